"""Use cases of a meeting's follow-through: reminders, attendance, sponsorship decisions and the
list of participants grouped as the ISU publishes it."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from outreach.audit.services import record
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact, Organisation, OrganisationKind, Posting
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.invitations.audience import delivery_of
from outreach.invitations.merge import language_of
from outreach.invitations.models import Answer, Invitation, Sponsorship
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage
from outreach.mail.outbox import Recipient, enqueue, new_mailing
from outreach.meetings.models import Meeting, MeetingStatus
from outreach.reference.models import CcmStatus

# ---------------------------------------------------------------------------------------------
# Who is who: the group and the block (a State, or an organisation) of each invitee.


class Group(enum.StrEnum):
    """The sections of a list of participants, in the order the ISU publishes them."""

    STATES_PARTIES = "states_parties"
    SIGNATORIES = "signatories"
    OBSERVER_STATES = "observer_states"
    INTERNATIONAL_ORGANISATIONS = "international_organisations"
    NGOS = "ngos"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]

    @property
    def is_state(self) -> bool:
        return self in STATE_GROUPS.values()


GROUP_LABELS = {
    Group.STATES_PARTIES: "States Parties",
    Group.SIGNATORIES: "Signatory States",
    Group.OBSERVER_STATES: "Observer States",
    Group.INTERNATIONAL_ORGANISATIONS: "International organisations",
    Group.NGOS: "Non-governmental organisations and other participants",
}
# A State that withdrew is no longer bound: it attends as an observer, like a State not party.
STATE_GROUPS = {
    CcmStatus.STATE_PARTY: Group.STATES_PARTIES,
    CcmStatus.SIGNATORY: Group.SIGNATORIES,
    CcmStatus.NOT_PARTY: Group.OBSERVER_STATES,
    CcmStatus.WITHDRAWN: Group.OBSERVER_STATES,
}
INTERNATIONAL_KINDS = frozenset(
    {
        OrganisationKind.INTERNATIONAL_ORGANISATION,
        OrganisationKind.UN_ENTITY,
        OrganisationKind.REGIONAL_ORGANISATION,
    }
)
# Missions, ministries and mine action centres speak for their State.
GOVERNMENT_KINDS = frozenset(
    {
        OrganisationKind.PERMANENT_MISSION,
        OrganisationKind.MINISTRY,
        OrganisationKind.MINE_ACTION_AUTHORITY,
    }
)
# Whoever is neither a State's nor an international organisation's (NGOs, academics, other
# bodies, people with no current organisation) is listed with the NGOs, under their organisation.
UNAFFILIATED = "Individual participants"


@dataclass(frozen=True)
class Affiliation:
    """Where an invitee belongs in the list: the group, and the State or organisation."""

    group: Group
    name: str
    organisation: Organisation | None

    @property
    def place(self) -> str:
        """The State or organisation, "" for someone with neither."""
        return "" if self.name == UNAFFILIATED else self.name


def current_posting(contact: Contact) -> Posting | None:
    """The contact's current posting (the most recent one if several)."""
    postings = contact.current_postings
    return postings[0] if postings else None


def affiliation(invitation: Invitation) -> Affiliation:
    """The invitee's group: the delegation's State, else their organisation's kind and State."""
    posting = current_posting(invitation.contact)
    organisation = posting.organisation if posting else None
    state = invitation.delegation_state
    if state is None and organisation is not None and organisation.kind in GOVERNMENT_KINDS:
        state = organisation.state
    if state is not None:
        return Affiliation(STATE_GROUPS[state.ccm_status], state.name, organisation)
    if organisation is None:
        return Affiliation(Group.NGOS, UNAFFILIATED, None)
    if organisation.kind in INTERNATIONAL_KINDS:
        return Affiliation(
            Group.INTERNATIONAL_ORGANISATIONS, organisation.display_name, organisation
        )
    return Affiliation(Group.NGOS, organisation.display_name, organisation)


def sort_key(text: str) -> str:
    """Alphabetical order that ignores case and accents ("Côte d'Ivoire" among the Cs)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _invitations(
    meeting: Meeting, *conditions: sa.ColumnElement[bool], options: Iterable[Any] = ()
) -> list[Invitation]:
    """The meeting's invitations with everything the follow-through pages show, in a constant
    number of queries."""
    contact = joinedload(Invitation.contact)
    query = (
        sa.select(Invitation)
        .where(Invitation.meeting_id == meeting.id, *conditions)
        .options(
            contact.selectinload(Contact.emails),
            contact.selectinload(Contact.postings)
            .joinedload(Posting.organisation)
            .joinedload(Organisation.state),
            joinedload(Invitation.delegation_state),
            selectinload(Invitation.delegates),
            *options,
        )
    )
    return list(db.session.scalars(query).unique())


def block_order(name: str) -> tuple[bool, str]:
    """Blocks by name, people with no organisation after every organisation of their group."""
    return (name == UNAFFILIATED, sort_key(name))


def by_name(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Invitations in list order: group, State or organisation, then the invitee's last name."""
    groups = list(Group)

    def key(invitation: Invitation) -> tuple[int, bool, str, bool, str, str]:
        where = affiliation(invitation)
        contact = invitation.contact
        return (
            groups.index(where.group),
            *block_order(where.name),
            # The one invited for the State's delegation heads it.
            invitation.delegation_state_id is None,
            sort_key(contact.last_name),
            sort_key(contact.first_name),
        )

    return sorted(invitations, key=key)


# ---------------------------------------------------------------------------------------------
# Reminders.


class Variant(enum.StrEnum):
    """The two reminders: to answer, and the practical details before the meeting."""

    UNANSWERED = "unanswered"
    BEFORE = "before"

    @property
    def label(self) -> str:
        return VARIANT_LABELS[self]


VARIANT_LABELS = {
    Variant.UNANSWERED: "Reminder to those who have not answered",
    Variant.BEFORE: "Reminder before the meeting to those attending or maybe attending",
}
# Those who said "maybe" need the practical details as much as those who said yes.
BEFORE_ANSWERS = (Answer.ATTENDING, Answer.MAYBE)


@dataclass(frozen=True)
class Skipped:
    """An invitee the reminder cannot go to, and why (as the audience preview says it)."""

    invitation: Invitation
    reason: str


@dataclass
class ReminderAudience:
    """Who a reminder may go to, who is left out and why, and when each was last reminded."""

    variant: Variant
    eligible: list[Invitation]
    # The address each eligible invitee's reminder goes to.
    addresses: dict[int, str]
    left_out: list[Skipped]
    # The last day (in the meeting's zone) each invitation got this reminder.
    last_reminded: dict[int, dt.date]
    today: dt.date
    # Why no reminder can go at all now ("" when it can).
    closed: str

    def reminded_today(self, invitation: Invitation) -> bool:
        return self.last_reminded.get(invitation.id) == self.today


def meeting_today(meeting: Meeting, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the meeting takes place."""
    return (now or utcnow()).astimezone(meeting.zone).date()


def reminder_closed(meeting: Meeting, variant: Variant, now: dt.datetime | None = None) -> str:
    """Why a reminder cannot be sent now, or "" when it can."""
    now = now or utcnow()
    if meeting.status is MeetingStatus.CANCELLED:
        return "This meeting is cancelled: no reminder can be sent."
    if meeting.starts_at is not None and meeting.starts_at <= now:
        return "This meeting has started: reminders are no longer sent."
    deadline = meeting.rsvp_deadline
    if variant is Variant.UNANSWERED and deadline and deadline < meeting_today(meeting, now):
        return (
            f"The date to answer by ({deadline:%-d %B %Y}) has passed: change it on the meeting "
            "before reminding people to answer."
        )
    return ""


def _wanted(variant: Variant) -> list[sa.ColumnElement[bool]]:
    if variant is Variant.UNANSWERED:
        # Only those who were sent an invitation can be reminded of it.
        return [Invitation.answer == Answer.PENDING, Invitation.sent_sequence.is_not(None)]
    return [Invitation.answer.in_(BEFORE_ANSWERS)]


def _last_reminded(meeting: Meeting, variant: Variant) -> dict[int, dt.date]:
    rows = db.session.execute(
        sa.select(OutboxMessage.invitation_id, OutboxMessage.dedupe_key)
        .join(Mailing, OutboxMessage.mailing_id == Mailing.id)
        .where(
            Mailing.meeting_id == meeting.id,
            Mailing.purpose == MailPurpose.REMINDER,
            Mailing.variant == variant.value,
            OutboxMessage.invitation_id.is_not(None),
        )
    )
    last: dict[int, dt.date] = {}
    for invitation_id, key in rows:
        day = dt.date.fromisoformat(key.rsplit(":", 1)[1])
        last[invitation_id] = max(day, last.get(invitation_id, day))
    return last


def reminder_audience(
    meeting: Meeting, variant: Variant, now: dt.datetime | None = None
) -> ReminderAudience:
    """Who the reminder would go to now, and who is left out and why."""
    eligible: list[Invitation] = []
    addresses: dict[int, str] = {}
    left_out: list[Skipped] = []
    for invitation in by_name(_invitations(meeting, *_wanted(variant))):
        delivery = delivery_of(invitation)
        if delivery.address is None or delivery.reason is not None:
            reason = delivery.reason.label if delivery.reason else "No email address"
            left_out.append(Skipped(invitation, reason))
        else:
            eligible.append(invitation)
            addresses[invitation.id] = delivery.address
    return ReminderAudience(
        variant=variant,
        eligible=eligible,
        addresses=addresses,
        left_out=left_out,
        last_reminded=_last_reminded(meeting, variant),
        today=meeting_today(meeting, now),
        closed=reminder_closed(meeting, variant, now),
    )


@dataclass
class ReminderOutcome:
    """What pressing "Send reminders" did."""

    queued: list[Invitation] = field(default_factory=list)
    # Chosen, but reminded already today: nothing more was sent to them.
    already: list[Invitation] = field(default_factory=list)
    # Chosen, but no email may go to them.
    left_out: list[Skipped] = field(default_factory=list)
    # Chosen on the page, but no longer waiting for this reminder (e.g. they answered since).
    gone: int = 0


def reminder_key(invitation: Invitation, variant: Variant, day: dt.date) -> str:
    """The outbox key that makes a reminder unique per invitee, variant and day."""
    return f"reminder:{invitation.id}:{variant.value}:{day.isoformat()}"


def _recipient(invitation: Invitation, address: str, variant: Variant, day: dt.date) -> Recipient:
    contact = invitation.contact
    return Recipient(
        address=address,
        dedupe_key=reminder_key(invitation, variant, day),
        name=contact.full_name,
        language=language_of(contact),
        invitation_id=invitation.id,
        expires_at=invitation.meeting.starts_at,
    )


def _taken_keys(keys: Collection[str]) -> set[str]:
    """The keys already in the outbox."""
    query = sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
    return set(db.session.scalars(query))


def send_reminders(
    meeting: Meeting,
    variant: Variant,
    invitation_ids: Collection[int],
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> ReminderOutcome:
    """Queue one reminder to each chosen invitee who may get one and has not got it today.

    The outbox key holds the day, so a replayed or doubled POST queues nothing more; a
    concurrent one that wins the race makes this commit fail, and nothing is queued twice."""
    closed = reminder_closed(meeting, variant, now)
    if closed:
        raise ValidationError({"invitations": closed})
    if not invitation_ids:
        raise ValidationError({"invitations": "Tick at least one person to remind."})
    audience = reminder_audience(meeting, variant, now)
    chosen = set(invitation_ids)
    outcome = ReminderOutcome(left_out=[x for x in audience.left_out if x.invitation.id in chosen])
    targets = [i for i in audience.eligible if i.id in chosen]
    outcome.gone = len(chosen) - len(targets) - len(outcome.left_out)
    keys = {reminder_key(i, variant, audience.today): i for i in targets}
    taken = _taken_keys(keys)
    outcome.already = [i for key, i in keys.items() if key in taken]
    fresh = [i for key, i in keys.items() if key not in taken]
    if not fresh:
        return outcome  # no mailing at all: an empty one would say nothing to anyone
    mailing = new_mailing(
        MailPurpose.REMINDER,
        meeting=meeting,
        variant=variant.value,
        note=variant.label,
        created_by_id=user_id,
    )
    enqueue(
        mailing,
        [_recipient(i, audience.addresses[i.id], variant, audience.today) for i in fresh],
    )
    try:
        db.session.commit()
    except IntegrityError:
        # Another press of the button queued the same reminders between our check and now.
        db.session.rollback()
        outcome.already += fresh
    else:
        outcome.queued = fresh
    return outcome


# ---------------------------------------------------------------------------------------------
# Attendance.


@dataclass(frozen=True)
class AttendanceCounts:
    """How many came: invitees and delegation members, and whether anything is recorded yet."""

    invitees: int
    invitees_attended: int
    delegates: int
    delegates_attended: int
    recorded: bool

    @property
    def people_attended(self) -> int:
        return self.invitees_attended + self.delegates_attended


def attendance_sheet(meeting: Meeting) -> list[Invitation]:
    """Everyone still in the audience (erased people excepted), in list order."""
    invitations = _invitations(meeting, Invitation.removed_at.is_(None))
    return by_name(i for i in invitations if i.contact.erased_at is None)


def attendance_counts(invitations: list[Invitation]) -> AttendanceCounts:
    """The counts of an attendance sheet."""
    delegates = [d for i in invitations for d in i.delegates]
    return AttendanceCounts(
        invitees=len(invitations),
        invitees_attended=sum(1 for i in invitations if i.attended),
        delegates=len(delegates),
        delegates_attended=sum(1 for d in delegates if d.attended),
        recorded=attendance_recorded(invitations),
    )


def attendance_recorded(invitations: Iterable[Invitation]) -> bool:
    """Whether anyone's attendance (invitee or delegate) has been marked, yes or no."""
    return any(
        i.attended is not None or any(d.attended is not None for d in i.delegates)
        for i in invitations
    )


def save_attendance(
    meeting: Meeting,
    shown_ids: Collection[int],
    attended_ids: Collection[int],
    attended_delegate_ids: Collection[int],
) -> AttendanceCounts:
    """Record who attended among the invitations that were on the form (and their delegates):
    ticked ones attended, the others did not. One transaction."""
    shown, came, delegates_came = set(shown_ids), set(attended_ids), set(attended_delegate_ids)
    sheet = [i for i in attendance_sheet(meeting) if i.id in shown]
    for invitation in sheet:
        invitation.attended = invitation.id in came
        for delegate in invitation.delegates:
            delegate.attended = delegate.id in delegates_came
    db.session.commit()
    return attendance_counts(attendance_sheet(meeting))


# ---------------------------------------------------------------------------------------------
# Sponsorship.

DECISIONS = (Sponsorship.APPROVED, Sponsorship.DECLINED)
LISTED_STATUSES = (Sponsorship.REQUESTED, *DECISIONS)
NOTE_LIMIT = 2000


def sponsorship_requests(meeting: Meeting, status: Sponsorship | None = None) -> list[Invitation]:
    """The meeting's sponsorship requests (any status but "not requested"), in list order."""
    wanted = [status] if status else list(LISTED_STATUSES)
    invitations = _invitations(
        meeting,
        Invitation.sponsorship.in_(wanted),
        options=[joinedload(Invitation.sponsorship_decided_by)],
    )
    return by_name(invitations)


def sponsorship_counts(meeting: Meeting) -> dict[Sponsorship, int]:
    """How many requests of the meeting are in each status."""
    rows = db.session.execute(
        sa.select(Invitation.sponsorship, sa.func.count())
        .where(Invitation.meeting_id == meeting.id, Invitation.sponsorship != Sponsorship.NONE)
        .group_by(Invitation.sponsorship)
    )
    counts = dict.fromkeys(LISTED_STATUSES, 0)
    counts.update({Sponsorship(status): count for status, count in rows})
    return counts


def get_invitation(meeting: Meeting, invitation_id: int) -> Invitation | None:
    """An invitation of this meeting (None for another meeting's: no hint it exists)."""
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id, Invitation.meeting_id == meeting.id
        )
    )


def decide_sponsorship(
    invitation: Invitation,
    decision: Sponsorship | None,
    note: str,
    user_id: int | None,
    expected_version: int | None = None,
) -> Invitation:
    """Approve or decline a sponsorship request, with an optional note; audited."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose to approve or to decline the request."})
    if invitation.sponsorship is Sponsorship.NONE:
        raise ValidationError({"decision": "This invitee has not asked for sponsorship."})
    note = note.strip()
    if "\x00" in note:
        raise ValidationError({"note": "Remove the invisible NUL character from the note."})
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": f"Keep the note under {NOTE_LIMIT + 1} characters."})
    check_version(invitation, expected_version)
    invitation.sponsorship = decision
    invitation.sponsorship_decision_note = note
    invitation.sponsorship_decided_at = utcnow()
    invitation.sponsorship_decided_by_id = user_id
    commit_or_conflict(invitation, expected_version)
    return invitation


# ---------------------------------------------------------------------------------------------
# The list of participants.

HEAD = "Head of delegation"
MEMBER = "Member of delegation"
PARTICIPANT = "Participant"


@dataclass(frozen=True)
class Person:
    """One line of the list: a person, their title and their role in the delegation."""

    name: str
    title: str
    role: str


@dataclass
class Block:
    """One State's delegation, or one organisation's: its head first, then its members."""

    name: str
    people: list[Person] = field(default_factory=list)

    def add(self, invitation: Invitation, from_attendance: bool) -> None:
        """Add an invitee who came (or is coming) and the members of their delegation who did."""
        contact = invitation.contact
        if invitation.attended or not from_attendance:
            posting = current_posting(contact)
            title = posting.position if posting else ""
            self.people.append(Person(contact.display_name, title, self._next_role()))
        self.people += [
            Person(d.name, d.title, PARTICIPANT if self.name == UNAFFILIATED else MEMBER)
            for d in invitation.delegates
            if d.attended or not from_attendance
        ]

    def _next_role(self) -> str:
        if self.name == UNAFFILIATED:
            return PARTICIPANT
        return MEMBER if any(p.role == HEAD for p in self.people) else HEAD


@dataclass
class Section:
    """One group of the list (States Parties, signatories…)."""

    group: Group
    blocks: list[Block] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(len(b.people) for b in self.blocks)


@dataclass
class ParticipantList:
    """The list of participants, and what it rests on."""

    sections: list[Section]
    # True once attendance is recorded: the list is then of those who came, not who said yes.
    from_attendance: bool

    @property
    def people(self) -> int:
        return sum(s.people for s in self.sections)


def participant_list(meeting: Meeting) -> ParticipantList:
    """Those attending, grouped, one block per State or organisation, sorted by name.

    Until attendance is recorded it lists those who answered "attending" with their delegation;
    once it is, it lists those marked present (so the list published after the meeting is of
    those who came)."""
    invitations = [
        i
        for i in _invitations(meeting, Invitation.removed_at.is_(None))
        if i.contact.erased_at is None
    ]
    from_attendance = attendance_recorded(invitations)
    if not from_attendance:
        invitations = [i for i in invitations if i.answer is Answer.ATTENDING]
    sections = {group: Section(group) for group in Group}
    blocks: dict[tuple[Group, str], Block] = {}
    # In list order, so each block is made in its place and its head comes first.
    for invitation in by_name(invitations):
        where = affiliation(invitation)
        block = blocks.get((where.group, where.name))
        if block is None:
            block = blocks[where.group, where.name] = Block(where.name)
            sections[where.group].blocks.append(block)
        block.add(invitation, from_attendance)
    for section in sections.values():
        section.blocks = [b for b in section.blocks if b.people]
    return ParticipantList([s for s in sections.values() if s.blocks], from_attendance)


EXPORT_HEADERS = ["Group", "State or organisation", "Name", "Title", "Role"]


def export_rows(meeting: Meeting, file_format: str) -> list[list[str]]:
    """The list's rows for a download, with the export recorded in the audit trail."""
    participants = participant_list(meeting)
    rows = [
        [section.group.label, block.name, person.name, person.title, person.role]
        for section in participants.sections
        for block in section.blocks
        for person in block.people
    ]
    record(
        "export",
        record_type="Meeting",
        record_id=meeting.id,
        detail=f"list of participants: {len(rows)} people as {file_format}",
    )
    db.session.commit()
    return rows
