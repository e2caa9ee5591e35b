"""Invitations in a person's data: exported with it, erased with it (links revoked, what they
wrote blanked), and moved when two records of one person are merged."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.contacts.merge import merge_contacts
from outreach.contacts.privacy import erase_contact, personal_data
from outreach.extensions import db
from outreach.invitations.models import Answer, Delegate, Invitation, Sponsorship
from tests import factories
from tests.rsvp.conftest import fresh, make_invitee, post_answer


def test_erasure_revokes_links_and_blanks_what_the_person_wrote(client, invitee):
    post_answer(
        client,
        invitee.rsvp,
        delegates=[("Jean Martin", "Counsellor", "jean.martin@mission.example")],
        sponsorship_requested="y",
        sponsorship_note="Travel of Mr Martin from Paris.",
        comments="My phone is +33 6 12 34 56 78.",
    )
    before = fresh(invitee.invitation).token_version
    with acting_as("test"):
        erase_contact(invitee.contact)
    invitation = fresh(invitee.invitation)
    assert invitation.token_version == before + 1
    assert invitation.comments == "" and invitation.sponsorship_note == ""
    assert invitation.delegates == []
    assert db.session.scalar(sa.select(sa.func.count(Delegate.id))) == 0
    # The answer itself stays, anonymous, so the meeting's counts stay true.
    assert invitation.answer is Answer.ATTENDING
    assert invitation.sponsorship is Sponsorship.REQUESTED


def test_the_personal_data_export_holds_the_invitations(client, invitee):
    post_answer(
        client, invitee.rsvp, delegates=[("Jean Martin", "Counsellor", "")], comments="Noted."
    )
    [exported] = personal_data(fresh(invitee.invitation).contact)["invitations"]
    assert exported["meeting"] == "14MSP — Fourteenth Meeting of States Parties"
    assert exported["answer"] == "attending" and exported["answered_via"] == "link"
    assert exported["comments"] == "Noted."
    assert exported["delegates"] == [{"name": "Jean Martin", "title": "Counsellor", "email": ""}]


def test_merging_moves_invitations_and_keeps_the_answered_one_of_a_pair(client, app):
    msp = factories.make_future_meeting()
    workshop = factories.make_future_meeting("Workshop on clearance", code="W27", kind="workshop")
    survivor = make_invitee(msp, "Quispe", "Ana", "ana.quispe@mission.example")
    # The other record of the same person, invited to both meetings; it answered the 14MSP.
    other_msp = make_invitee(msp, "Quispe", "A.", "a.quispe@cancilleria.example")
    other_workshop = factories.make_invitation(workshop, other_msp.contact)
    post_answer(client, other_msp.rsvp, delegates=[("Luis Mamani", "Expert", "")])
    with acting_as("test"):
        merge_contacts(survivor.contact, other_msp.contact)
    rows = db.session.scalars(
        sa.select(Invitation).where(Invitation.contact_id == survivor.contact.id)
    ).all()
    by_meeting = {row.meeting_id: row for row in rows}
    assert set(by_meeting) == {msp.id, workshop.id}
    assert by_meeting[msp.id].id == other_msp.invitation.id  # the answered one
    assert [d.name for d in by_meeting[msp.id].delegates] == ["Luis Mamani"]
    assert by_meeting[workshop.id].id == other_workshop.id
    assert db.session.get(Invitation, survivor.invitation.id) is None
    # The kept invitation's link still opens it, now for the survivor.
    assert client.get(other_msp.rsvp).status_code == 200


def test_merging_keeps_the_survivor_s_invitation_when_neither_answered(app):
    msp = factories.make_future_meeting()
    survivor = make_invitee(msp, "Quispe", "Ana", "ana.quispe@mission.example")
    other = make_invitee(msp, "Quispe", "A.", "a.quispe@cancilleria.example")
    with acting_as("test"):
        merge_contacts(survivor.contact, other.contact)
    assert db.session.get(Invitation, other.invitation.id) is None
    assert fresh(survivor.invitation).contact_id == survivor.contact.id
