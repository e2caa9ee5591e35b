"""Organisations of the treaty world."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps
from outreach.extensions import db


class OrganisationKind(enum.StrEnum):
    """What sort of body an organisation is."""

    PERMANENT_MISSION = "permanent_mission"
    MINISTRY = "ministry"
    MINE_ACTION_AUTHORITY = "mine_action_authority"
    NGO = "ngo"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    UN_ENTITY = "un_entity"
    REGIONAL_ORGANISATION = "regional_organisation"
    ACADEMIC = "academic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganisationKind.PERMANENT_MISSION: "Permanent mission",
    OrganisationKind.MINISTRY: "Ministry or capital authority",
    OrganisationKind.MINE_ACTION_AUTHORITY: "National mine action authority or centre",
    OrganisationKind.NGO: "NGO",
    OrganisationKind.INTERNATIONAL_ORGANISATION: "International organisation",
    OrganisationKind.UN_ENTITY: "UN entity",
    OrganisationKind.REGIONAL_ORGANISATION: "Regional organisation",
    OrganisationKind.ACADEMIC: "Academic or research",
    OrganisationKind.OTHER: "Other",
}


class Organisation(Audited, Timestamps, db.Model):
    """A mission, ministry, NGO or international organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), index=True)
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[OrganisationKind] = mapped_column(
        sa.Enum(
            OrganisationKind,
            native_enum=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")

    __mapper_args__ = {"version_id_col": version}
