"""Who is invited to a meeting: adding contacts one by one, by segment or as a State's delegation,
and the preview of who will receive the invitation and who is left out, and why."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from outreach.contacts.services import ContactFilters, contacts_query, current_posting_clause
from outreach.directory.errors import ValidationError
from outreach.directory.models import (
    Contact,
    Keyword,
    Organisation,
    OrganisationKind,
    Posting,
    Tag,
    contact_area,
    contact_keyword,
    contact_tag,
)
from outreach.directory.search import fold
from outreach.extensions import db
from outreach.invitations.merge import language_of
from outreach.invitations.models import Invitation
from outreach.meetings.models import Meeting
from outreach.reference.models import STATUS_LABELS, CcmStatus, State, ThematicArea

ONE_BY_ONE = "One by one"
SEARCH_LIMIT = 25
# "States Parties — mission focal points": the plural a segment's description starts with.
STATUS_PLURALS = {
    CcmStatus.STATE_PARTY: "States Parties",
    CcmStatus.SIGNATORY: "Signatories",
    CcmStatus.NOT_PARTY: "States not party",
    CcmStatus.WITHDRAWN: "Withdrawn States",
}


class LeftOut(enum.StrEnum):
    """Why an invitee will not be sent anything, in the order the reasons are checked."""

    REMOVED = "removed"
    ERASED = "erased"
    DO_NOT_EMAIL = "do_not_email"
    ARCHIVED = "archived"
    NO_EMAIL = "no_email"
    BOUNCED = "bounced"
    ORGANISER = "organiser"

    @property
    def label(self) -> str:
        return LEFT_OUT_LABELS[self]


LEFT_OUT_LABELS = {
    LeftOut.REMOVED: "Removed from the audience",
    LeftOut.ERASED: "Erased (personal data removed)",
    LeftOut.DO_NOT_EMAIL: "Does not want emails (do not email)",
    LeftOut.ARCHIVED: "Archived contact",
    LeftOut.NO_EMAIL: "No email address",
    LeftOut.BOUNCED: "Every address hard-bounced",
    LeftOut.ORGANISER: "The address is the organiser mailbox",
}


@dataclass(frozen=True)
class Delivery:
    """Where one invitee's messages go, or why they go nowhere."""

    address: str | None
    reason: LeftOut | None

    @property
    def eligible(self) -> bool:
        return self.reason is None


def _usable_address(contact: Contact) -> tuple[str | None, LeftOut | None]:
    if not contact.emails:
        return None, LeftOut.NO_EMAIL
    # The first address that has not hard-bounced: a second address is worth trying.
    for email in contact.emails:
        if email.bounced_at is None:
            return email.address, None
    return None, LeftOut.BOUNCED


def delivery_of(invitation: Invitation) -> Delivery:
    """The address an invitee's messages go to, or the reason they are left out (F7)."""
    contact = invitation.contact
    reason = None
    if invitation.removed_at is not None:
        reason = LeftOut.REMOVED
    elif contact.erased_at is not None:
        reason = LeftOut.ERASED
    elif contact.do_not_email:
        reason = LeftOut.DO_NOT_EMAIL
    elif contact.archived_at is not None or contact.merged_into_id is not None:
        reason = LeftOut.ARCHIVED
    if reason is not None:
        return Delivery(None, reason)
    address, reason = _usable_address(contact)
    if address and address.lower() == invitation.meeting.organiser_email.lower():
        return Delivery(None, LeftOut.ORGANISER)
    return Delivery(address, reason)


# --- Reading the audience -----------------------------------------------------------------------

AUDIENCE_LOADS = (
    selectinload(Invitation.contact).selectinload(Contact.emails),
    selectinload(Invitation.contact)
    .selectinload(Contact.postings)
    .selectinload(Posting.organisation),
    selectinload(Invitation.delegation_state),
)


def audience_of(meeting: Meeting) -> list[Invitation]:
    """Every invitation of the meeting (removed ones too), by name, in a constant number of
    queries."""
    query = (
        sa.select(Invitation)
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.meeting_id == meeting.id)
        .options(*AUDIENCE_LOADS)
        .order_by(sa.func.lower(Contact.last_name), sa.func.lower(Contact.first_name), Contact.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PreviewRow:
    """One invitee as the preview shows them."""

    invitation: Invitation
    delivery: Delivery

    @property
    def contact(self) -> Contact:
        return self.invitation.contact

    @property
    def language(self) -> str:
        return language_of(self.invitation.contact)

    @property
    def organisation(self) -> str:
        current = self.invitation.contact.current_postings
        return current[0].organisation.display_name if current else ""


@dataclass(frozen=True)
class Preview:
    """Who will receive the meeting's messages and who is left out, with the reasons."""

    included: list[PreviewRow]
    left_out: list[PreviewRow]

    @property
    def reasons(self) -> list[tuple[LeftOut, int]]:
        counts = Counter(row.delivery.reason for row in self.left_out)
        return [(reason, counts[reason]) for reason in LeftOut if counts[reason]]

    @property
    def not_yet_sent(self) -> list[PreviewRow]:
        return [row for row in self.included if row.invitation.sent_sequence is None]

    @property
    def total(self) -> int:
        return len(self.included) + len(self.left_out)


def preview(meeting: Meeting, invitations: Sequence[Invitation] | None = None) -> Preview:
    """Split the audience into those who will be sent messages and those left out."""
    rows = [
        PreviewRow(inv, delivery_of(inv))
        for inv in (audience_of(meeting) if invitations is None else invitations)
    ]
    return Preview(
        included=[row for row in rows if row.delivery.eligible],
        left_out=[row for row in rows if not row.delivery.eligible],
    )


# --- Segments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """Contacts chosen by what they are: every criterion given must hold (empty = any)."""

    status: str = ""  # CCM status of the State of a current organisation
    region: str = ""  # region of that State
    kind: str = ""  # kind of a current organisation
    tag: str = ""  # a tag's name or key
    area: str = ""  # a thematic area slug the contact is a focal point or expert for
    focal_points: bool = False  # only current postings marked as the focal point
    keyword: str = ""  # an expertise keyword

    def criteria(self) -> list[tuple[str, str]]:
        """The criteria given, as (field, value)."""
        values = [(name, getattr(self, name)) for name in ("status", "region", "kind", "tag")]
        values += [("area", self.area), ("keyword", self.keyword)]
        chosen = [(name, value.strip()) for name, value in values if value and value.strip()]
        return chosen + ([("focal_points", "yes")] if self.focal_points else [])


@dataclass(frozen=True)
class _Resolved:
    """A checked segment: enum members and the ids of the tag, area and keyword."""

    status: CcmStatus | None
    region: str | None
    kind: OrganisationKind | None
    tag: Tag | None
    area: ThematicArea | None
    keyword: Keyword | None
    focal_points: bool


def _lookup(model: type, column: sa.ColumnElement[str], value: str) -> object | None:
    return db.session.scalar(sa.select(model).where(column == value).limit(1))


def _resolve(segment: Segment) -> _Resolved:
    """Check every criterion; raise ValidationError with a message per field."""
    if not segment.criteria():
        raise ValidationError({"status": "Choose at least one criterion."})
    errors: dict[str, str] = {
        name: "Remove the invisible NUL character."
        for name, value in vars(segment).items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)
    status = kind = None
    try:
        status = CcmStatus(segment.status) if segment.status else None
    except ValueError:
        errors["status"] = "Choose a CCM status from the list."
    try:
        kind = OrganisationKind(segment.kind) if segment.kind else None
    except ValueError:
        errors["kind"] = "Choose a kind of organisation from the list."
    region = segment.region.strip()[:60] or None
    if region and _lookup(State, State.region, region) is None:
        errors["region"] = "Choose a region from the list."
    tag = _lookup(Tag, Tag.key, fold(segment.tag)[:60]) if segment.tag.strip() else None
    if segment.tag.strip() and tag is None:
        errors["tag"] = "No contact or organisation has this tag."
    area = (
        _lookup(ThematicArea, ThematicArea.slug, segment.area.strip()[:60])
        if segment.area.strip()
        else None
    )
    if segment.area.strip() and area is None:
        errors["area"] = "Choose a thematic area from the list."
    keyword = (
        _lookup(Keyword, Keyword.key, fold(segment.keyword)[:80])
        if segment.keyword.strip()
        else None
    )
    if segment.keyword.strip() and keyword is None:
        errors["keyword"] = "No contact has this expertise keyword."
    if errors:
        raise ValidationError(errors)
    return _Resolved(status, region, kind, tag, area, keyword, segment.focal_points)  # type: ignore[arg-type]


def _posting_conditions(found: _Resolved) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if found.status is not None:
        conditions.append(State.ccm_status == found.status)
    if found.region is not None:
        conditions.append(State.region == found.region)
    if found.kind is not None:
        conditions.append(Organisation.kind == found.kind)
    if found.focal_points:
        conditions.append(Posting.focal_point.is_(True))
    return conditions


def _segment_query(found: _Resolved) -> sa.Select[tuple[int]]:
    """The ids of the listed contacts in the segment; the posting criteria hold for one posting."""
    query = sa.select(Contact.id).where(
        Contact.merged_into_id.is_(None), Contact.archived_at.is_(None), Contact.erased_at.is_(None)
    )
    conditions = _posting_conditions(found)
    if conditions:
        query = query.where(
            Contact.id.in_(
                sa.select(Posting.contact_id)
                .join(Organisation, Organisation.id == Posting.organisation_id)
                .outerjoin(State, State.id == Organisation.state_id)
                .where(current_posting_clause(), *conditions)
            )
        )
    links = (
        (found.tag, contact_tag, "tag_id"),
        (found.area, contact_area, "area_id"),
        (found.keyword, contact_keyword, "keyword_id"),
    )
    for record, table, column in links:
        if record is not None:
            query = query.where(
                Contact.id.in_(
                    sa.select(table.c.contact_id).where(table.c[column] == record.id)  # type: ignore[attr-defined]
                )
            )
    return query.order_by(Contact.id)


def describe(segment: Segment) -> str:
    """How a segment reads in the audience: "States Parties · Permanent mission · focal points"."""
    parts = []
    if segment.status:
        parts.append(STATUS_PLURALS.get(CcmStatus(segment.status), segment.status))
    if segment.region:
        parts.append(segment.region)
    if segment.kind:
        parts.append(OrganisationKind(segment.kind).label)
    if segment.tag:
        parts.append(f"tag {segment.tag}")
    if segment.area:
        area = _lookup(ThematicArea, ThematicArea.slug, segment.area)
        parts.append(area.name if isinstance(area, ThematicArea) else segment.area)
    if segment.keyword:
        parts.append(f"expertise {segment.keyword}")
    if segment.focal_points:
        parts.append("focal points")
    return " · ".join(parts)[:300]


def segment_contact_ids(segment: Segment) -> list[int]:
    """The contacts a segment holds (merged, archived and erased contacts excluded)."""
    return list(db.session.scalars(_segment_query(_resolve(segment))))


# --- Adding ---------------------------------------------------------------------------------------


@dataclass
class AddReport:
    """What adding people to an audience did."""

    added: int = 0
    already: int = 0
    # Removed after being sent an invitation: calendars hold their cancellation, not re-invited.
    refused: list[str] = field(default_factory=list)
    # States whose mission has no current focal point recorded.
    without_focal_point: list[str] = field(default_factory=list)

    def message(self) -> str:
        """The report in one or two sentences."""
        people = "person" if self.added == 1 else "people"
        text = f"Added {self.added} {people} to the audience."
        if self.already:
            text += f" {self.already} already in it."
        if self.refused:
            text += (
                " Not added again, because they were removed after being sent the invitation: "
                + ", ".join(self.refused[:10])
                + ("…" if len(self.refused) > 10 else "")
                + "."
            )
        if self.without_focal_point:
            names = ", ".join(self.without_focal_point[:10])
            more = "…" if len(self.without_focal_point) > 10 else ""
            text += f" No focal point recorded at the mission of: {names}{more}."
        return text


class ConcurrentChange(Exception):
    """Someone else changed the audience at the same moment; nothing was saved."""


def _add(
    meeting: Meeting,
    wanted: Iterable[tuple[int, int | None]],
    added_as: str,
    report: AddReport | None = None,
) -> AddReport:
    """Invite each (contact id, delegation State id) not yet invited; commit once."""
    report = report or AddReport()
    chosen: dict[int, int | None] = {}
    for contact_id, state_id in wanted:
        chosen.setdefault(contact_id, state_id)  # one invitation per contact: the first given
    existing = {
        inv.contact_id: inv
        for inv in db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.meeting_id == meeting.id, Invitation.contact_id.in_(chosen))
            .options(selectinload(Invitation.contact))
        )
    }
    for contact_id, state_id in chosen.items():
        invitation = existing.get(contact_id)
        if invitation is None:
            db.session.add(
                Invitation(
                    meeting_id=meeting.id,
                    contact_id=contact_id,
                    delegation_state_id=state_id,
                    added_as=added_as[:300],
                )
            )
            report.added += 1
        elif invitation.removed_at is not None:
            report.refused.append(invitation.contact.full_name)
        else:
            report.already += 1
    try:
        db.session.commit()
    except IntegrityError:
        # Another person added one of them at the same moment (unique meeting and contact).
        db.session.rollback()
        raise ConcurrentChange from None
    return report


def add_contacts(meeting: Meeting, contact_ids: Iterable[int]) -> AddReport:
    """Invite contacts chosen one by one (unknown, merged or erased ones are ignored)."""
    ids = [i for i in dict.fromkeys(contact_ids) if 0 < i <= 2**31 - 1]
    if not ids:
        raise ValidationError({"contact_ids": "Choose at least one contact."})
    known = db.session.scalars(
        sa.select(Contact.id).where(
            Contact.id.in_(ids), Contact.merged_into_id.is_(None), Contact.erased_at.is_(None)
        )
    )
    found = set(known)
    if not found:
        raise ValidationError({"contact_ids": "None of these contacts can be invited."})
    return _add(meeting, [(i, None) for i in ids if i in found], ONE_BY_ONE)


def add_segment(meeting: Meeting, segment: Segment) -> AddReport:
    """Invite every contact of a segment."""
    ids = segment_contact_ids(segment)
    return _add(meeting, [(i, None) for i in ids], describe(segment))


def find_contacts(text: str | None) -> list[Contact]:
    """Contacts found by name, email, organisation or position, for adding one by one."""
    if not text or not fold(text):
        return []
    query = contacts_query(ContactFilters(q=text[:100])).options(
        selectinload(Contact.emails),
        selectinload(Contact.postings).selectinload(Posting.organisation),
    )
    return list(db.session.scalars(query.limit(SEARCH_LIMIT)))


# --- A State's mission as one delegation ----------------------------------------------------------


@dataclass(frozen=True)
class Missions:
    """Which States' missions to invite: these ISO3 codes, and/or every State of a status."""

    states: tuple[str, ...] = ()
    status: str = ""


def _chosen_states(missions: Missions) -> tuple[list[State], str]:
    """The States chosen, and how the invitations will say they were added."""
    errors: dict[str, str] = {}
    codes = sorted({code.strip().upper() for code in missions.states if code.strip()})
    if any(not (len(code) == 3 and code.isascii() and code.isalpha()) for code in codes):
        raise ValidationError({"states": "Choose States from the list (ISO 3166 codes)."})
    conditions = []
    if codes:
        conditions.append(State.iso3.in_(codes))
    status = None
    if missions.status:
        try:
            status = CcmStatus(missions.status)
            conditions.append(State.ccm_status == status)
        except ValueError:
            errors["status"] = "Choose a CCM status from the list."
    if not conditions and not errors:
        errors["states"] = "Choose at least one State, or every State of a status."
    if errors:
        raise ValidationError(errors)
    states = list(
        db.session.scalars(sa.select(State).where(sa.or_(*conditions)).order_by(State.name))
    )
    unknown = set(codes) - {s.iso3 for s in states}
    if unknown:
        raise ValidationError({"states": f"Unknown State codes: {', '.join(sorted(unknown))}."})
    if status is not None and not codes:
        label = f"{STATUS_PLURALS[status]} — mission focal points"
    elif len(states) == 1:
        label = f"Mission of {states[0].name} — focal points"
    else:
        label = "States' missions — focal points"
    return states, label


def add_missions(meeting: Meeting, missions: Missions) -> AddReport:
    """Invite the current focal points of each chosen State's Permanent Mission, each as the
    delegation of that State."""
    states, label = _chosen_states(missions)
    by_id = {state.id: state for state in states}
    rows = db.session.execute(
        sa.select(Posting.contact_id, Organisation.state_id)
        .join(Organisation, Organisation.id == Posting.organisation_id)
        .join(Contact, Contact.id == Posting.contact_id)
        .where(
            Organisation.state_id.in_(by_id),
            Organisation.kind == OrganisationKind.PERMANENT_MISSION,
            Organisation.archived_at.is_(None),
            Posting.focal_point.is_(True),
            current_posting_clause(),
            Contact.merged_into_id.is_(None),
            Contact.archived_at.is_(None),
            Contact.erased_at.is_(None),
        )
        .order_by(Organisation.state_id, Posting.contact_id)
    ).all()
    covered = {state_id for _contact, state_id in rows}
    report = AddReport(
        without_focal_point=[s.name for s in states if s.id not in covered],
    )
    return _add(meeting, [(contact, state) for contact, state in rows], label, report)


def status_choices() -> list[tuple[str, str]]:
    """The CCM statuses as (value, label)."""
    return [(status.value, STATUS_LABELS[status]) for status in CcmStatus]
