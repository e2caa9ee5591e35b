"""The directory's records: organisations, contacts, their postings, emails, phones and tags."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, value_enum
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

LANGUAGES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ar": "Arabic",
    "ru": "Russian",
    "zh": "Chinese",
    "pt": "Portuguese",
    "other": "Other",
}

organisation_tag = sa.Table(
    "organisation_tag",
    db.metadata,
    sa.Column(
        "organisation_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)
contact_tag = sa.Table(
    "contact_tag",
    db.metadata,
    sa.Column("contact_id", sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)
contact_area = sa.Table(
    "contact_area",
    db.metadata,
    sa.Column("contact_id", sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("thematic_area.id", ondelete="CASCADE"), primary_key=True),
)
contact_keyword = sa.Table(
    "contact_keyword",
    db.metadata,
    sa.Column("contact_id", sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("keyword_id", sa.ForeignKey("keyword.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A free label put on organisations and contacts (e.g. "3RC", "donor")."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    key: Mapped[str] = mapped_column(sa.String(60), unique=True)  # case- and accent-folded


class Keyword(db.Model):
    """A free keyword of expertise (e.g. "non-technical survey")."""

    __tablename__ = "keyword"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)


class Organisation(Audited, Timestamps, db.Model):
    """A mission, ministry, NGO or international organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), index=True)
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[OrganisationKind] = mapped_column(value_enum(OrganisationKind, 40), index=True)
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    address: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")
    tags: Mapped[list[Tag]] = relationship(secondary=organisation_tag, order_by=Tag.key)
    postings: Mapped[list[Posting]] = relationship(
        back_populates="organisation", order_by="Posting.start_date.desc().nulls_last()"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Contact(Audited, Timestamps, db.Model):
    """A person the ISU deals with, whose postings change over time."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    honorific: Mapped[str] = mapped_column(sa.String(40), default="")
    first_name: Mapped[str] = mapped_column(sa.String(200), default="")
    last_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    do_not_email: Mapped[bool] = mapped_column(default=False)
    do_not_email_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    do_not_email_since: Mapped[dt.date | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contact.id"))
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    postings: Mapped[list[Posting]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        order_by="Posting.start_date.desc().nulls_last()",
    )
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tag, order_by=Tag.key)
    areas = relationship("ThematicArea", secondary=contact_area, order_by="ThematicArea.position")
    keywords: Mapped[list[Keyword]] = relationship(secondary=contact_keyword, order_by=Keyword.key)

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.honorific, self.first_name, self.last_name) if p)

    @property
    def primary_email(self) -> str | None:
        return self.emails[0].address if self.emails else None

    @property
    def current_postings(self) -> list[Posting]:
        return [p for p in self.postings if p.is_current]


class ContactEmail(db.Model):
    """One email address of a contact; the first is the one invitations go to."""

    __tablename__ = "contact_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(sa.String(254))
    normalised: Mapped[str] = mapped_column(sa.String(254), index=True)
    label: Mapped[str] = mapped_column(sa.String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    bounced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(db.Model):
    """One phone number of a contact, in E.164 form."""

    __tablename__ = "contact_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="phones")


class Posting(Audited, db.Model):
    """A position a contact holds (or held) at an organisation; closed, never overwritten."""

    __tablename__ = "posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    focal_point: Mapped[bool] = mapped_column(default=False)

    contact: Mapped[Contact] = relationship(back_populates="postings")
    organisation: Mapped[Organisation] = relationship(back_populates="postings")

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= dt.date.today()
