"""The shared layer of invitations: personal links and merge fields."""

from __future__ import annotations

from outreach.extensions import db
from outreach.invitations.merge import merge_fields
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import Recipient, enqueue, new_mailing
from outreach.rsvp.tokens import load_invitation, make_token, revoke
from tests import factories


def test_a_token_opens_its_invitation_for_its_purpose_only(app):
    invitation = factories.make_invitation(factories.make_future_meeting())
    token = make_token(invitation, "rsvp")
    assert load_invitation(token, "rsvp") is invitation
    assert load_invitation(token, "unsubscribe") is None
    assert load_invitation(token[:-2], "rsvp") is None
    revoke(invitation)
    db.session.commit()
    assert load_invitation(token, "rsvp") is None


def test_merge_fields_speak_the_invitees_language(app):
    meeting = factories.make_future_meeting()
    contact = factories.make_contact(emails=["a@b.example"], preferred_language="fr")
    fields = merge_fields(factories.make_invitation(meeting, contact))
    assert fields["dates"] == "14–17 septembre 2027"
    assert fields["rsvp_link"].startswith("http://outreach.test/rsvp/")
    assert "10:00–18:00" in fields["times"]


def test_a_key_is_enqueued_once(app):
    mailing = new_mailing(MailPurpose.TEST)
    first = enqueue(mailing, [Recipient("a@b.example", "test:1")])
    db.session.commit()
    again = enqueue(new_mailing(MailPurpose.TEST), [Recipient("a@b.example", "test:1")])
    db.session.commit()
    assert len(first) == 1 and again == []
    assert db.session.query(OutboxMessage).count() == 1
