"""Calendar files that Outlook, Gmail and Apple accept: invitations, cancellations and feeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import re
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.meetings.calendar import (
    CALENDAR_CONTENT_TYPE,
    Attendee,
    CalendarEvent,
    calendar_mime_part,
    download_ics,
    feed_ics,
    invitation_ics,
)
from tests.meetings.calendar_checks import (
    check_feed,
    check_invitation_file,
    content_lines,
    event_identity,
    independent_start,
)

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
ORGANISER = "isu@outreach.example"
STAMP = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
MSP = CalendarEvent(
    uid="meeting-14@outreach.example",
    sequence=0,
    summary="Fourteenth Meeting of States Parties",
    starts_at=dt.datetime(2026, 9, 14, 9, 0, tzinfo=ZURICH),
    ends_at=dt.datetime(2026, 9, 17, 18, 0, tzinfo=ZURICH),
    location="CICG, Rue de Varembé 17, Geneva",
    description="Agenda and documents:\nhttps://outreach.example/meetings/14",
    url="https://outreach.example/meetings/14",
    organiser_name="CCM Implementation Support Unit",
    organiser_email=ORGANISER,
)
ZOE = Attendee('Zoë "Ana" ^Ng', "zoe.ng@mission.example")
DMITRY = Attendee("Дмитрий", "dmitry@mission.example")
LI = Attendee("李雷", "li.lei@mission.example")


ORGANIZER_LINE = 'ORGANIZER;CN="CCM Implementation Support Unit":mailto:isu@outreach.example'


def request_for(attendee: Attendee, event: CalendarEvent = MSP) -> bytes:
    """An invitation for one attendee, stamped at a fixed time."""
    return invitation_ics(event, attendee, stamp=STAMP)


def unfolded(ics: bytes) -> str:
    """The file's text with folded lines joined."""
    return ics.decode("utf-8").replace("\r\n ", "")


def test_geneva_request_passes_every_check_and_vobject_agrees_on_the_start():
    ics = request_for(ZOE)

    check_invitation_file(
        ics,
        method="REQUEST",
        recipient_email=ZOE.email,
        organiser_email=ORGANISER,
        other_recipients=[DMITRY.email, LI.email],
    )
    # 09:00 in Geneva in September is summer time, two hours ahead of UTC.
    assert independent_start(ics) == dt.datetime(2026, 9, 14, 7, 0, tzinfo=dt.UTC)
    text = unfolded(ics)
    assert "DTSTART:20260914T070000Z" in text
    assert "DTEND:20260917T160000Z" in text
    assert "DTSTAMP:20260601T120000Z" in text
    assert "UID:meeting-14@outreach.example" in text
    assert "STATUS:CONFIRMED" in text
    assert "SEQUENCE:0" in text
    assert "PRODID:-//CCM ISU//Outreach//EN" in text
    assert ORGANIZER_LINE in text


def test_attendee_line_asks_for_an_answer_with_a_clean_name():
    text = unfolded(request_for(ZOE))

    attendee = next(line for line in text.split("\r\n") if line.startswith("ATTENDEE"))
    assert 'CN="Zoë Ana Ng"' in attendee
    for param in (
        "CUTYPE=INDIVIDUAL",
        "ROLE=REQ-PARTICIPANT",
        "PARTSTAT=NEEDS-ACTION",
        "RSVP=TRUE",
    ):
        assert param in attendee
    assert attendee.endswith(":mailto:zoe.ng@mission.example")


def test_cancel_keeps_the_uid_and_says_cancelled_with_the_given_sequence():
    request = request_for(DMITRY)
    cancel = invitation_ics(
        dataclasses.replace(MSP, sequence=2), DMITRY, method="CANCEL", stamp=STAMP
    )

    check_invitation_file(
        cancel, method="CANCEL", recipient_email=DMITRY.email, organiser_email=ORGANISER
    )
    text = unfolded(cancel)
    assert "METHOD:CANCEL" in text
    assert "STATUS:CANCELLED" in text
    assert "STATUS:CONFIRMED" not in text
    assert "SEQUENCE:2" in text
    uid = "UID:meeting-14@outreach.example"
    assert uid in text and uid in unfolded(request)


def test_identity_tracks_uid_and_sequence_across_request_update_and_cancel():
    sends = [
        invitation_ics(dataclasses.replace(MSP, sequence=number), ZOE, method=method)
        for number, method in enumerate(["REQUEST", "REQUEST", "CANCEL"])
    ]

    identities = [event_identity(ics) for ics in sends]
    assert identities == [("meeting-14@outreach.example", number) for number in range(3)]


def test_feed_may_list_a_meeting_without_organiser():
    check_feed(feed_ics([dataclasses.replace(MSP, organiser_email="")], name="History"))


def test_update_keeps_the_uid_and_carries_the_new_time_and_sequence():
    moved = dataclasses.replace(
        MSP,
        sequence=1,
        starts_at=MSP.starts_at + dt.timedelta(days=1),
        ends_at=MSP.ends_at + dt.timedelta(days=1),
    )
    ics = request_for(LI, moved)

    check_invitation_file(
        ics, method="REQUEST", recipient_email=LI.email, organiser_email=ORGANISER
    )
    assert independent_start(ics) == dt.datetime(2026, 9, 15, 7, 0, tzinfo=dt.UTC)
    assert "SEQUENCE:1" in unfolded(ics)


@pytest.mark.parametrize("attendee", [ZOE, DMITRY, LI], ids=["quotes", "cyrillic", "chinese"])
def test_long_names_in_any_script_fold_without_splitting_characters(attendee):
    long_name = Attendee(" ".join([attendee.name] * 12), attendee.email)
    event = dataclasses.replace(MSP, summary=f"{long_name.name} — réunion 会议 встреча " * 3)
    ics = request_for(long_name, event)

    check_invitation_file(
        ics, method="REQUEST", recipient_email=attendee.email, organiser_email=ORGANISER
    )
    assert max(len(line) for line in ics.split(b"\r\n")) <= 75
    assert independent_start(ics) == MSP.starts_at.astimezone(dt.UTC)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, summary=names, description=names)
def test_any_name_and_summary_gives_a_file_that_passes_every_check(name, summary, description):
    event = dataclasses.replace(MSP, summary=summary, description=description, organiser_name=name)
    ics = request_for(Attendee(name, ZOE.email), event)

    check_invitation_file(
        ics,
        method="REQUEST",
        recipient_email=ZOE.email,
        organiser_email=ORGANISER,
        other_recipients=[DMITRY.email],
    )
    assert independent_start(ics) == MSP.starts_at.astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": dt.datetime(2026, 9, 14, 9, 0)}, "time zone"),
        ({"ends_at": dt.datetime(2026, 9, 17, 18, 0)}, "time zone"),
        ({"ends_at": MSP.starts_at}, "after the start"),
        ({"organiser_email": ""}, "organiser"),
        ({"uid": "meeting-14\r\nATTENDEE:mailto:x@y.example"}, "UID"),
    ],
)
def test_refuses_events_no_calendar_could_show(change, message):
    with pytest.raises(ValueError, match=message):
        request_for(ZOE, dataclasses.replace(MSP, **change))


def test_refuses_a_naive_stamp():
    with pytest.raises(ValueError, match="time zone"):
        invitation_ics(MSP, ZOE, stamp=dt.datetime(2026, 6, 1, 12, 0))


@pytest.mark.parametrize("address", [ORGANISER, " ISU@Outreach.Example "])
def test_refuses_the_organiser_as_attendee(address):
    with pytest.raises(ValueError, match="organiser"):
        invitation_ics(MSP, Attendee("ISU", address))


@pytest.mark.parametrize("address", ["zoe", "a@b@c", "zoe@x.example\r\nBCC:x@y", "a b@c.example"])
def test_refuses_addresses_that_could_break_a_line(address):
    with pytest.raises(ValueError, match="address"):
        invitation_ics(MSP, Attendee("Zoë", address))


def test_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="method"):
        invitation_ics(MSP, ZOE, method="PUBLISH")


def test_feed_publishes_every_event_without_attendees_and_with_refresh_hints():
    other = dataclasses.replace(
        MSP,
        uid="meeting-15@outreach.example",
        summary="Intersessional meeting",
        starts_at=dt.datetime(2027, 5, 4, 10, 0, tzinfo=ZURICH),
        ends_at=dt.datetime(2027, 5, 4, 13, 0, tzinfo=ZURICH),
    )
    ics = feed_ics([MSP, other], name="CCM meetings", stamp=STAMP)

    check_feed(ics)
    text = unfolded(ics)
    assert "METHOD:PUBLISH" in text
    assert "ATTENDEE" not in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    assert "X-WR-CALNAME:CCM meetings" in text
    assert text.count("BEGIN:VEVENT") == 2
    assert independent_start(ics) == dt.datetime(2026, 9, 14, 7, 0, tzinfo=dt.UTC)


def test_empty_feed_is_still_a_valid_calendar():
    check_feed(feed_ics([], name="CCM meetings"))


def test_download_is_a_single_event_publish_file():
    ics = download_ics(MSP)

    text = unfolded(ics)
    assert "METHOD:PUBLISH" in text
    assert text.count("BEGIN:VEVENT") == 1
    assert "ATTENDEE" not in text
    assert independent_start(ics) == dt.datetime(2026, 9, 14, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_mime_part_names_the_method_of_the_file_and_survives_the_wire(method):
    ics = invitation_ics(MSP, LI, method=method, stamp=STAMP)
    wire = calendar_mime_part(ics, method).as_bytes(policy=email.policy.SMTP)

    part = email.message_from_bytes(wire, policy=email.policy.default)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == method
    assert f"METHOD:{method}\r\n" in part.get_content()
    assert part.get_content_charset() == "utf-8"
    assert part["Content-Transfer-Encoding"] in ("7bit", "8bit", "quoted-printable")
    assert part["Content-Disposition"] is None
    assert part.get_payload(decode=True) == ics


def test_mime_part_refuses_a_method_the_file_does_not_carry():
    with pytest.raises(ValueError, match="METHOD"):
        calendar_mime_part(request_for(ZOE), "CANCEL")


def test_content_type_for_feeds_says_utf8():
    assert CALENDAR_CONTENT_TYPE == "text/calendar; charset=utf-8"


# The checker itself must be able to fail: feed it files that break one rule each.
GOOD = request_for(ZOE)


def check(ics: bytes) -> None:
    """Run the invitation checks for Zoë against the organiser."""
    check_invitation_file(
        ics,
        method="REQUEST",
        recipient_email=ZOE.email,
        organiser_email=ORGANISER,
        other_recipients=[DMITRY.email],
    )


def fold(text: str) -> bytes:
    """Fold unfolded text at 75 octets without splitting characters, as a good writer does."""
    out = []
    for line in text.split("\r\n"):
        raw, limit = line.encode("utf-8"), 75
        while len(raw) > limit:
            cut = limit
            while raw[cut] & 0xC0 == 0x80:  # never cut inside a UTF-8 sequence
                cut -= 1
            out.append(raw[:cut])
            raw, limit = b" " + raw[cut:], 75
        out.append(raw)
    return b"\r\n".join(out)


GOOD_TEXT = unfolded(GOOD)
EVENT = GOOD_TEXT[GOOD_TEXT.index("BEGIN:VEVENT") : GOOD_TEXT.index("END:VCALENDAR")]


def replaced(old: str, new: str) -> bytes:
    """The good file with one piece swapped, failing loudly if the piece is missing."""
    assert old in GOOD_TEXT
    return fold(GOOD_TEXT.replace(old, new))


def without_line(prefix: str) -> bytes:
    """The good file without the one content line starting with prefix."""
    lines = GOOD_TEXT.split("\r\n")
    kept = [line for line in lines if not line.startswith(prefix)]
    assert len(kept) == len(lines) - 1
    return fold("\r\n".join(kept))


def test_checker_accepts_the_good_file():
    check(GOOD)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace(b"\r\n", b"\n"), "does not end with CRLF"),
        (GOOD.replace(b"\r\nSUMMARY", b"\nSUMMARY"), "bare CR or LF"),
        (without_line("DTSTAMP"), "0 DTSTAMP"),
        (without_line("UID"), "0 UID"),
        (without_line("VERSION"), "0 VERSION"),
        (without_line("METHOD"), "0 METHOD"),
        (replaced("DTSTART:20260914T070000Z", "DTSTART:20260914T090000"), "floating time"),
        (
            replaced("DTSTART:", "DTSTART;TZID=Europe/Zurich:").replace(b"070000Z", b"090000"),
            "has no VTIMEZONE",
        ),
        (replaced("DTEND:20260917T160000Z", "DTEND:20260914T070000Z"), "DTEND is not after"),
        (replaced("DTSTAMP:20260601T120000Z", "DTSTAMP:20260601T120000"), "DTSTAMP is not in UTC"),
        (replaced("RSVP=TRUE", "RSVP=FALSE"), "RSVP"),
        (replaced("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED"), "PARTSTAT"),
        (replaced("CUTYPE=INDIVIDUAL", "CUTYPE=GROUP"), "CUTYPE"),
        (replaced("ROLE=REQ-PARTICIPANT", "ROLE=BOSS"), "ROLE"),
        (replaced('CN="Zoë Ana Ng"', "CN=\"Zoë ^'Ana^' Ng\""), "CN contains"),
        (replaced('CN="Zoë Ana Ng"', 'CN="Zoë "Ana" Ng"'), "CN contains"),
        (replaced("mailto:isu@", "mailto:other@"), "not the organiser"),
        (replaced("mailto:zoe.ng@", "mailto:zoe@"), "0 ATTENDEE"),
        (replaced("METHOD:REQUEST", "METHOD:CANCEL"), "METHOD differs"),
        (replaced("VERSION:2.0", "VERSION:1.0"), "VERSION is not 2.0"),
        (replaced("END:VCALENDAR", EVENT + "END:VCALENDAR"), "2 VEVENTs"),
        (replaced("LOCATION:", "X-COPY:dmitry@mission.example\r\nLOCATION:"), "another recipient"),
        (GOOD.replace(b"SUMMARY:", b"SUMMARY:" + b"x" * 80), "124 octets"),
        (replaced("END:VCALENDAR\r\n", ""), "never closed"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_checker_rejects_broken_files(broken, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        check(broken)


def test_checker_rejects_a_fold_that_splits_a_character():
    # "ë" is two octets; a fold between them leaves two lines that are not whole UTF-8.
    assert b'CN="Zo\xc3\xab' in GOOD
    broken = GOOD.replace(b'CN="Zo\xc3\xab', b'CN="Zo\xc3\r\n \xab')
    with pytest.raises(AssertionError, match="UTF-8"):
        content_lines(broken)
    names = [line.params["CN"] for line in content_lines(GOOD) if "CN" in line.params]
    assert ["Zoë Ana Ng"] in names


def test_checker_rejects_the_organiser_as_recipient():
    with pytest.raises(AssertionError, match="organiser"):
        check_invitation_file(
            GOOD, method="REQUEST", recipient_email=ORGANISER, organiser_email=ORGANISER
        )


def test_feed_checker_rejects_attendees_and_missing_hints():
    good = feed_ics([MSP], name="CCM meetings", stamp=STAMP)
    check_feed(good)
    with pytest.raises(AssertionError, match="attendees"):
        check_feed(good.replace(b"END:VEVENT", b"ATTENDEE:mailto:zoe@x.example\r\nEND:VEVENT"))
    with pytest.raises(AssertionError, match="X-PUBLISHED-TTL"):
        check_feed(good.replace(b"X-PUBLISHED-TTL:PT1H\r\n", b""))
    with pytest.raises(AssertionError, match="PUBLISH"):
        check_feed(good.replace(b"METHOD:PUBLISH", b"METHOD:REQUEST"))


def test_independent_parser_rejects_a_floating_start():
    broken = replaced("DTSTART:20260914T070000Z", "DTSTART:20260914T090000")
    with pytest.raises(AssertionError, match="floating"):
        independent_start(broken)
