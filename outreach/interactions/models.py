"""The outreach log: each interaction with States, organisations and people, and follow-ups."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, value_enum
from outreach.extensions import db


class InteractionKind(enum.StrEnum):
    """What sort of contact an interaction was."""

    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    LETTER_OR_NOTE_VERBALE = "letter_or_note_verbale"
    DEMARCHE = "demarche"
    SIDE_EVENT = "side_event"
    VISIT = "visit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    InteractionKind.MEETING: "Meeting",
    InteractionKind.CALL: "Call",
    InteractionKind.EMAIL: "Email",
    InteractionKind.LETTER_OR_NOTE_VERBALE: "Letter or note verbale",
    InteractionKind.DEMARCHE: "Démarche",
    InteractionKind.SIDE_EVENT: "Side event",
    InteractionKind.VISIT: "Visit",
    InteractionKind.OTHER: "Other",
}


class Sensitivity(enum.StrEnum):
    """Who may read an interaction: everyone signed in, or staff only."""

    NORMAL = "normal"
    CONFIDENTIAL = "confidential"


def _link(name: str, other: str) -> sa.Table:
    return sa.Table(
        f"interaction_{name}",
        db.metadata,
        sa.Column(
            "interaction_id", sa.ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(f"{name}_id", sa.ForeignKey(f"{other}.id", ondelete="CASCADE"), primary_key=True),
    )


interaction_state = _link("state", "state")
interaction_organisation = _link("organisation", "organisation")
interaction_contact = _link("contact", "contact")
interaction_user = _link("user", "user")
interaction_area = _link("area", "thematic_area")
interaction_dialogue = _link("dialogue", "dialogue")


class Interaction(Audited, Timestamps, db.Model):
    """One meeting, call, letter or démarche, with whom and about what."""

    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InteractionKind] = mapped_column(value_enum(InteractionKind, 30))
    occurred_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    occurred_at_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    subject: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    sensitivity: Mapped[Sensitivity] = mapped_column(
        value_enum(Sensitivity, 20), default=Sensitivity.NORMAL
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Subject, summary and outcome folded (lower case, no accents): what the list searches.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    version: Mapped[int] = mapped_column(default=1)

    states = relationship("State", secondary=interaction_state, order_by="State.name")
    organisations = relationship(
        "Organisation", secondary=interaction_organisation, order_by="Organisation.name"
    )
    contacts = relationship("Contact", secondary=interaction_contact, order_by="Contact.id")
    staff = relationship("User", secondary=interaction_user, order_by="User.id")
    areas = relationship(
        "ThematicArea", secondary=interaction_area, order_by="ThematicArea.position"
    )
    dialogues = relationship("Dialogue", secondary=interaction_dialogue, order_by="Dialogue.id")
    created_by = relationship("User", foreign_keys=[created_by_id])
    followups: Mapped[list[FollowUp]] = relationship(
        back_populates="interaction", order_by="FollowUp.due_on"
    )

    __mapper_args__ = {"version_id_col": version}
    __audit_exclude__ = frozenset({"search_text"})  # a copy of audited fields

    @property
    def is_confidential(self) -> bool:
        return self.sensitivity == Sensitivity.CONFIDENTIAL


class FollowUp(Audited, Timestamps, db.Model):
    """Something someone must do by a date, after an interaction or about a State."""

    __tablename__ = "followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    interaction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("interaction.id", ondelete="CASCADE"), index=True
    )
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    dialogue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dialogue.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    interaction: Mapped[Interaction | None] = relationship(back_populates="followups")
    state = relationship("State")
    dialogue = relationship("Dialogue")
