"""The list of participants: grouped as the ISU publishes it, one block per State or organisation
with its delegation, from the answers until attendance is recorded; CSV, XLSX and print."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl

from outreach.core.exports import XLSX_MIMETYPE
from outreach.extensions import db
from outreach.invitations.models import Delegate
from outreach.participants import services
from tests.participants.conftest import Conference, attending, invite, queries_of_page

GROUPED = [
    (
        "States Parties",
        [
            (
                "France",
                [
                    ("H.E. Ms Claire Martin", "Ambassador", "Head of delegation"),
                    ("Paul Leroy", "Counsellor", "Member of delegation"),
                    ("Inès Roux", "Legal adviser", "Member of delegation"),
                ],
            ),
            (
                "Switzerland",
                [
                    ("Jonas Keller", "Deputy Permanent Representative", "Head of delegation"),
                    ("Anna Weber", "Diplomatic officer", "Member of delegation"),
                ],
            ),
        ],
    ),
    ("Signatory States", [("Indonesia", [("Dewi Santoso", "Director", "Head of delegation")])]),
    (
        "Observer States",
        [
            ("Lithuania", [("Tomas Kazlauskas", "Adviser", "Head of delegation")]),
            (
                "United States of America",
                [("John Miller", "Political officer", "Head of delegation")],
            ),
        ],
    ),
    (
        "International organisations",
        [
            ("European Union", [("Marco Rossi", "Policy officer", "Head of delegation")]),
            (
                "United Nations Mine Action Service",
                [
                    ("Ngozi Okafor", "Chief", "Head of delegation"),
                    ("Lena Berg", "Programme officer", "Member of delegation"),
                ],
            ),
        ],
    ),
    (
        "Non-governmental organisations and other participants",
        [
            ("Geneva Graduate Institute", [("Léa Dubois", "Researcher", "Head of delegation")]),
            ("Human Rights Watch", [("Mary Goose", "Director", "Head of delegation")]),
            ("Individual participants", [("Ivan Novak", "", "Participant")]),
        ],
    ),
]


def shape(participants: services.ParticipantList) -> list[Any]:
    return [
        (
            section.group.label,
            [
                (block.name, [(p.name, p.title, p.role) for p in block.people])
                for block in section.blocks
            ],
        )
        for section in participants.sections
    ]


def url(conference: Conference, suffix: str = "") -> str:
    return f"/meetings/{conference.meeting.id}/participants{suffix}"


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def xlsx_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_attendees_are_grouped_as_the_isu_publishes_them(app, conference):
    participants = services.participant_list(conference.meeting)
    assert not participants.from_attendance
    assert shape(participants) == GROUPED
    assert participants.people == 14


def test_maybe_declined_pending_removed_and_erased_invitees_are_not_listed(app, conference):
    conference.eu.contact.erased_at = conference.eu.created_at
    db.session.commit()
    names = {
        p.name
        for s in services.participant_list(conference.meeting).sections
        for b in s.blocks
        for p in b.people
    }
    assert "Marco Rossi" not in names  # erased
    for absent in ("Rui Mendes", "Ana Lopez", "Yuki Tanaka", "Gary Gone"):
        assert absent not in names


def test_the_one_invited_for_the_delegation_heads_it(app, conference):
    # A second invitee from the French mission, invited on their own: a member, not the head.
    mission = conference.france.contact.postings[0].organisation
    invite(
        conference.meeting, "Aaron", "Abel", at=mission, position="First secretary", **attending()
    )
    france = services.participant_list(conference.meeting).sections[0].blocks[0]
    assert [(p.name, p.role) for p in france.people] == [
        ("H.E. Ms Claire Martin", "Head of delegation"),
        ("Paul Leroy", "Member of delegation"),
        ("Inès Roux", "Member of delegation"),
        ("Abel Aaron", "Member of delegation"),
    ]


def test_once_attendance_is_recorded_the_list_is_of_those_who_came(app, conference):
    leroy = next(d for d in conference.france.delegates if d.name == "Paul Leroy")
    berg = conference.unmas.delegates[0]
    services.save_attendance(
        conference.meeting,
        shown_ids=[i.id for i in services.attendance_sheet(conference.meeting)],
        attended_ids=[conference.france.id, conference.maybe.id, conference.hrw.id],
        attended_delegate_ids=[leroy.id, berg.id],
    )
    participants = services.participant_list(conference.meeting)
    assert participants.from_attendance
    assert shape(participants) == [
        (
            "States Parties",
            [
                (
                    "France",
                    [
                        ("H.E. Ms Claire Martin", "Ambassador", "Head of delegation"),
                        ("Paul Leroy", "Counsellor", "Member of delegation"),
                        # Said "maybe", came: listed, as a member of the French delegation.
                        ("Rui Mendes", "", "Member of delegation"),
                    ],
                )
            ],
        ),
        (
            "International organisations",
            # The head stayed away; the member who came is still listed under UNMAS.
            [
                (
                    "United Nations Mine Action Service",
                    [("Lena Berg", "Programme officer", "Member of delegation")],
                )
            ],
        ),
        (
            "Non-governmental organisations and other participants",
            [("Human Rights Watch", [("Mary Goose", "Director", "Head of delegation")])],
        ),
    ]


def test_the_page_shows_the_groups_and_says_what_the_list_rests_on(client, auth, staff, conference):
    auth.login(staff.email)
    response = client.get(url(conference))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = re.findall(r'<h2 id="group-\w+">([^<]+?) <span', html)
    assert headings == [label for label, _blocks in GROUPED]
    assert re.findall(r"<h3>([^<]+)</h3>", html) == [
        name for _label, blocks in GROUPED for name, _people in blocks
    ]
    assert "14 people, who answered" in html
    assert "academic and research institutions" in html
    assert f'href="/meetings/{conference.meeting.id}/participants/export/xlsx"' in html
    assert f'href="/meetings/{conference.meeting.id}/participants/print"' in html


def test_the_csv_has_one_row_per_person_in_list_order(client, auth, staff, conference):
    auth.login(staff.email)
    response = client.get(url(conference, "/export/csv"))
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="participants-14MSP-'
    )
    header, *rows = csv_rows(response)
    assert header == ["Group", "State or organisation", "Name", "Title", "Role"]
    assert rows == [
        [label, name, *person]
        for label, blocks in GROUPED
        for name, people in blocks
        for person in people
    ]


def test_the_xlsx_has_the_same_rows(client, auth, staff, conference):
    auth.login(staff.email)
    csv_version = csv_rows(client.get(url(conference, "/export/csv")))
    assert xlsx_rows(client.get(url(conference, "/export/xlsx"))) == csv_version


def test_i7_formulas_in_names_and_titles_are_escaped_in_both_downloads(
    client, auth, staff, conference
):
    hostile = [
        ('=HYPERLINK("http://evil.example","Click")', "+1"),
        ("@SUM(A1:A9)", "-2+3"),
        ("\tTabbed", "\rReturned"),
    ]
    for position, (name, title) in enumerate(hostile, start=5):
        db.session.add(
            Delegate(invitation=conference.hrw, name=name, title=title, position=position)
        )
    db.session.commit()
    auth.login(staff.email)
    for rows in (
        csv_rows(client.get(url(conference, "/export/csv"))),
        xlsx_rows(client.get(url(conference, "/export/xlsx"))),
    ):
        cells = {cell for row in rows for cell in row}
        assert '\'=HYPERLINK("http://evil.example","Click")' in cells
        assert {"'+1", "'@SUM(A1:A9)", "'-2+3", "'\tTabbed"} <= cells
        assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in cells if c)


def test_a_download_is_recorded_in_the_audit_trail(client, auth, staff, conference, audit_events):
    auth.login(staff.email)
    client.get(url(conference, "/export/xlsx"))
    (event,) = audit_events("export")
    assert event.record_type == "Meeting" and event.record_id == str(conference.meeting.id)
    assert event.detail == "list of participants: 14 people as xlsx"


def test_a_meeting_without_a_code_gets_a_safe_file_name(client, auth, staff, app):
    from tests import factories

    meeting = factories.make_future_meeting("Workshop", code="")
    auth.login(staff.email)
    response = client.get(f"/meetings/{meeting.id}/participants/export/csv")
    assert f'filename="participants-{meeting.id}-' in response.headers["Content-Disposition"]


def test_the_print_version_is_a_document_for_a4_portrait(client, auth, staff, conference):
    auth.login(staff.email)
    response = client.get(url(conference, "/print"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="main-nav"' not in html  # a document, not an app page
    assert 'href="/static/print.css" media="print"' in html
    assert "ready to print on A4 portrait" in html
    assert "<h1>Fourteenth Meeting of States Parties (14MSP)</h1>" in html
    assert "List of participants · <time" in html
    assert "provisional: those who answered" in html
    for label, _blocks in GROUPED:
        assert f">{label} <span" in html
    assert "H.E. Ms Claire Martin" in html and "Inès Roux" in html
    with client.get("/static/participants.css") as css:
        assert "@media print" in css.get_data(as_text=True)
    with client.get("/static/print.css") as print_css:
        # A4 portrait: the list names no landscape page, unlike the dialogues for a meeting.
        assert "@page { size: A4;" in print_css.get_data(as_text=True)
    assert "print-sheet--landscape" not in html


def test_the_list_loads_in_a_constant_number_of_queries(
    client, auth, staff, conference, count_queries
):
    mission = conference.france.contact.postings[0].organisation

    def grow() -> None:
        for n in range(10):
            extra = {"at": mission, "delegates": (("Aide", "Adviser"),), **attending()}
            invite(conference.meeting, f"Extra{n}", "Max", **extra)

    page = url(conference)
    auth.login(staff.email)
    few, many = queries_of_page(client, page, count_queries, grow)
    assert many == few


def test_a1_coordinators_get_403_on_the_list_its_downloads_and_print(
    client, auth, coordinator, conference
):
    auth.login(coordinator.email)
    for suffix in ("", "/print", "/export/csv", "/export/xlsx"):
        assert client.get(url(conference, suffix)).status_code == 403, suffix


def test_an_unknown_meeting_is_not_found(client, auth, staff, app):
    auth.login(staff.email)
    for suffix in ("", "/print", "/export/csv"):
        assert client.get(f"/meetings/987654/participants{suffix}").status_code == 404
