"""Message templates and the emails built from them: three languages, merge fields, a sandbox
that refuses tricks, escaping of what people typed (I1, I4), and calendar files that pass the
CALENDAR.md checks."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.invitations import messages, sending
from outreach.invitations.defaults import TEMPLATE_PURPOSES, default_text
from outreach.invitations.models import MessageTemplate
from outreach.mail.models import MailPurpose
from outreach.meetings.services import data_of, update_meeting
from tests import factories
from tests.invitations.conftest import outbox, render
from tests.meetings import calendar_checks as checks


def _sent_to(*contacts, meeting=None):
    meeting = meeting or factories.make_future_meeting()
    invitations = [factories.make_invitation(meeting, contact) for contact in contacts]
    report = sending.send_invitations(meeting)
    assert report.sent == len(contacts)
    return meeting, invitations


def test_flask_seed_stores_the_three_messages_in_three_languages(app):
    stored = db.session.execute(
        sa.select(MessageTemplate.purpose, MessageTemplate.language).where(
            MessageTemplate.meeting_kind.is_(None)
        )
    ).all()

    assert sorted(stored) == sorted(
        (purpose, language) for purpose in TEMPLATE_PURPOSES for language in ("en", "fr", "es")
    )


@pytest.mark.parametrize(
    ("language", "greeting", "subject", "answer"),
    [
        ("en", "Dear Ms Anna Huber,", "Invitation: Fourteenth Meeting", "answer the invitation"),
        (
            "fr",
            "À l'attention de Ms Anna Huber",
            "Invitation : Fourteenth",
            "répondre à l'invitation",
        ),
        (
            "es",
            "A la atención de Ms Anna Huber",
            "Invitación: Fourteenth",
            "responder a la invitación",
        ),
    ],
)
def test_an_invitation_speaks_the_invitees_language(app, language, greeting, subject, answer):
    contact = factories.make_contact(
        "Huber", "Anna", honorific="Ms", emails=["anna@aut.example"], preferred_language=language
    )
    meeting, (invitation,) = _sent_to(contact)

    email = render(outbox(MailPurpose.INVITE)[0])

    assert email.subject.startswith(subject)
    assert greeting in email.text and greeting in email.html.replace("&#x27;", "'")
    assert answer in email.html
    dates = {"en": "14–17 September 2027", "fr": "14–17 septembre 2027", "es": "14–17 de sept"}
    assert dates[language] in email.text
    assert "Palais des Nations, Geneva, Room XVIII" in email.text
    assert email.sender == "isu@ccm.example"
    assert email.calendar_method == "REQUEST"
    assert f'lang="{language}"' in email.html


def test_the_calendar_file_passes_the_checks_and_an_independent_parser(app):
    first = factories.make_contact("Huber", "Anna", emails=["anna@aut.example"])
    second = factories.make_contact("Martin", "Claire", emails=["claire@fra.example"])
    meeting, _ = _sent_to(first, second)

    emails = [render(message) for message in outbox(MailPurpose.INVITE)]

    for email, me, other in zip(
        emails,
        ("anna@aut.example", "claire@fra.example"),
        ("claire@fra.example", "anna@aut.example"),
        strict=True,
    ):
        checks.check_invitation_file(
            email.calendar,
            method="REQUEST",
            recipient_email=me,
            organiser_email="isu@ccm.example",
            other_recipients=[other],
        )
        assert checks.independent_start(email.calendar) == meeting.starts_at
        assert checks.event_identity(email.calendar) == (meeting.uid, 0)
        assert email.unsubscribe_url.startswith("http://outreach.test/unsubscribe/")
    # Check 19: the personal link is in both bodies and differs per recipient.
    links = [
        re.search(r"http://outreach\.test/rsvp/[\w-]+\.[\w-]+\.[\w-]+", e.text).group()
        for e in emails
    ]
    assert links[0] != links[1]
    for email, link in zip(emails, links, strict=True):
        assert link in email.html


def test_the_text_email_shows_no_markdown_bold_markers_but_keeps_them_in_names(app):
    contact = factories.make_contact("**Star**", "Anna", emails=["anna@aut.example"])
    _sent_to(contact)

    email = render(outbox(MailPurpose.INVITE)[0])

    assert "<strong>Fourteenth Meeting of States Parties</strong>" in email.html
    assert "**" not in email.text.replace("**Star**", "")
    assert "Anna **Star**" in email.text


def test_i1_markup_in_names_is_shown_as_text_in_the_email(app):
    contact = factories.make_contact(
        "<script>alert(1)</script>",
        '"><svg onload=alert(2)>',
        honorific="[click](javascript:alert(3))",
        emails=["victim@example.org"],
    )
    _sent_to(contact)

    email = render(outbox(MailPurpose.INVITE)[0])

    assert "<script" not in email.html and "<svg" not in email.html
    assert "javascript:" not in email.html.replace("[click](javascript:alert(3))", "")
    assert 'href="javascript' not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text  # plain text is plain
    checks.content_lines(email.calendar)


def test_i4_line_breaks_semicolons_and_commas_in_the_place_stay_inside_the_location(app):
    meeting = factories.make_future_meeting(
        title="Meeting; with, commas", venue="Hall A\r\nATTENDEE;RSVP=TRUE:mailto:evil@x.example"
    )
    _sent_to(factories.make_contact("Huber", "Anna", emails=["anna@aut.example"]), meeting=meeting)

    ics = render(outbox(MailPurpose.INVITE)[0]).calendar

    lines = checks.content_lines(ics)
    attendees = [line for line in lines if line.name == "ATTENDEE"]
    assert len(attendees) == 1 and attendees[0].value == "mailto:anna@aut.example"
    location = next(line.value for line in lines if line.name == "LOCATION")
    assert location.startswith("Hall A\\nATTENDEE\\;RSVP=TRUE:mailto:evil@x.example")
    assert next(line.value for line in lines if line.name == "SUMMARY") == (
        "Meeting\\; with\\, commas"
    )


def test_an_update_says_updated_and_carries_a_higher_sequence(app):
    meeting, (invitation,) = _sent_to(
        factories.make_contact("Huber", "Anna", emails=["a@b.example"])
    )
    sending_row = outbox(MailPurpose.INVITE)[0]
    # As if delivered: the update goes to someone whose calendar has the meeting.
    sending_row.status = sending_row.status.SENT
    db.session.commit()
    data = data_of(meeting)
    data.starts, data.ends = data.starts.replace(day=15), data.ends.replace(day=18)
    with acting_as("test"):
        update_meeting(meeting, data, meeting.version)

    email = render(outbox(MailPurpose.UPDATE)[0])

    assert email.subject == "Updated: Fourteenth Meeting of States Parties, 15–18 September 2027"
    assert checks.event_identity(email.calendar) == (meeting.uid, 1)
    assert "15–18 September 2027" in email.text


def test_a_test_message_goes_to_the_staff_member_with_example_links(app, staff):
    contact = factories.make_contact(
        "Martin", "Claire", emails=["claire@fra.example"], preferred_language="fr"
    )
    meeting = factories.make_future_meeting()
    invitation = factories.make_invitation(meeting, contact)

    message = sending.send_test(
        meeting, "invite", invitation, staff.id, staff.email, "Sam Specialist"
    )
    email = render(message)

    assert message.to_address == staff.email and message.dedupe_key.startswith(f"test:{staff.id}:")
    assert email.subject.startswith("[Test] Invitation : ")
    assert "Claire Martin" in email.text  # the invitee's merge values…
    assert "example-personal-link" in email.text  # …with links that open nothing
    assert email.unsubscribe_url is None
    checks.check_invitation_file(
        email.calendar,
        method="REQUEST",
        recipient_email=staff.email,
        organiser_email="isu@ccm.example",
    )
    uid, _sequence = checks.event_identity(email.calendar)
    assert uid != meeting.uid
    with pytest.raises(ValidationError):
        sending.send_test(meeting, "invite", None, staff.id, "ISU@ccm.example", "Organiser")


@pytest.mark.parametrize(
    ("subject", "body", "field", "words"),
    [
        ("Hello {{ nickname }}", "Body", "subject", "Unknown merge field: {{ nickname }}"),
        ("Hello", "{% if dates %}no end", "body", "Line 1"),
        ("Hello", "{{ meeting_title.__class__.__mro__ }}", "body", "not allowed"),
        ("Hello", "{{ 9 ** 9 ** 9 }}", "body", "not allowed"),
        ("Hello\nBcc: x@y", "Body", "subject", "one line"),
        ("", "Body", "subject", "Enter a subject"),
    ],
)
def test_a_template_with_a_mistake_gets_a_message_next_to_the_field(
    app, subject, body, field, words
):
    with pytest.raises(ValidationError) as error:
        messages.save_template("invite", None, "en", subject, body, None)

    assert words in error.value.errors[field]


def test_a_kinds_own_text_is_used_for_its_meetings_and_removed_again(app):
    stored = messages.save_template(
        "invite", "msp", "en", "MSP: {{ meeting_code }}", "Dear {{ first_name }}, come.", None
    )
    meeting, _ = _sent_to(factories.make_contact("Huber", "Anna", emails=["a@b.example"]))

    email = render(outbox(MailPurpose.INVITE)[0])

    assert stored.meeting_kind == "msp"
    assert email.subject == "MSP: 14MSP"
    assert email.text.startswith("Dear Anna, come.")
    assert messages.template_text("invite", "workshop", "en").source == "general"
    assert messages.delete_template("invite", "msp", "en")
    assert messages.template_text("invite", "msp", "en").source == "general"


def test_a_stale_template_form_gets_a_conflict(app):
    first = messages.template_text("invite", None, "en").stored
    version = first.version
    messages.save_template("invite", None, "en", "One", "Body one", version)

    with pytest.raises(ConflictError):
        messages.save_template("invite", None, "en", "Two", "Body two", version)
    assert messages.template_text("invite", None, "en").subject == "One"


def test_the_shipped_texts_are_valid_templates(app):
    for purpose in TEMPLATE_PURPOSES:
        for language in ("en", "fr", "es"):
            assert messages.template_errors(*default_text(purpose, language)) == {}
