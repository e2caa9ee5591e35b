"""The contacts list: search, filters, sorts, pages, exports, vCards, and its query count."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from outreach.audit.services import acting_as
from outreach.directory.models import Contact, ContactEmail, Posting, Tag
from outreach.extensions import db
from tests.contacts.conftest import contact_ids
from tests.factories import make_contact


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/contacts", "/experts", "/contacts/export.csv", "/contacts/1"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_the_list_shows_people_with_their_current_organisation(signed_in, helene):
    html = signed_in.get("/contacts").get_data(as_text=True)

    assert contact_ids(signed_in.get("/contacts")) == [helene.id]
    assert "Dubois, Hélène" in html
    assert "Permanent Mission of France" in html
    assert "Ambassador" in html
    assert "helene.dubois@diplomatie.example" in html
    assert "<strong>1</strong> contact found." in html


def test_a_search_without_accents_finds_the_accented_name(signed_in, helene):
    make_contact("Martin", "Paul")

    assert contact_ids(signed_in.get("/contacts?q=helene")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?q=HELENE+dub")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?q=mission+of+france")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?q=he")) == [helene.id]


def test_filters_from_the_form_narrow_the_list(signed_in, helene, ngo):
    other = make_contact("Martin", "Paul", organisation=ngo, preferred_language="es")

    assert contact_ids(signed_in.get("/contacts?status=state_party")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?region=Europe")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?kind=ngo")) == [other.id]
    assert contact_ids(signed_in.get("/contacts?tag=donor")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?language=es")) == [other.id]
    assert contact_ids(signed_in.get("/contacts?area=cooperation")) == [helene.id]
    assert contact_ids(signed_in.get("/contacts?dne=no")) == [helene.id, other.id]
    assert contact_ids(signed_in.get("/contacts?dne=yes")) == []


def test_archived_contacts_show_only_when_asked(signed_in, helene):
    with acting_as("test"):
        helene.archived_at = sa.func.now()
        db.session.commit()

    assert contact_ids(signed_in.get("/contacts")) == []
    html = signed_in.get("/contacts?archived=y").get_data(as_text=True)
    assert contact_ids(signed_in.get("/contacts?archived=y")) == [helene.id]
    assert "Archived" in html


def test_column_headings_sort_and_reverse(signed_in):
    a = make_contact("Alpha", "Zed", preferred_language="fr")
    b = make_contact("Beta", "Amy", preferred_language="en")

    assert contact_ids(signed_in.get("/contacts")) == [a.id, b.id]
    assert contact_ids(signed_in.get("/contacts?sort=last_name&dir=desc")) == [b.id, a.id]
    assert contact_ids(signed_in.get("/contacts?sort=first_name")) == [b.id, a.id]
    assert contact_ids(signed_in.get("/contacts?sort=language")) == [b.id, a.id]
    html = signed_in.get("/contacts?sort=language").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html


def test_the_list_is_paged(signed_in):
    for number in range(30):
        make_contact(f"Person{number:02d}")

    first = contact_ids(signed_in.get("/contacts?per_page=25"))
    second = signed_in.get("/contacts?per_page=25&page=2")

    assert len(first) == 25
    assert len(contact_ids(second)) == 5
    assert "Showing 26–30 of 30 contacts" in second.get_data(as_text=True)
    assert contact_ids(signed_in.get("/contacts?page=999")) == []


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "last_name;DROP TABLE contact"},
        {"status": "state_party' OR '1'='1"},
        {"region": "<script>alert(1)</script>"},
        {"kind": "x"},
        {"tag": "%"},
        {"dne": "maybe"},
        {"page": "-1", "per_page": "99999"},
        {"q": "\x00nul"},
        {"q": "x" * 5000},
        {"dir": "sideways"},
    ],
)
def test_hostile_query_values_never_break_the_list(signed_in, helene, query):
    response = signed_in.get("/contacts", query_string=query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1


def test_unknown_query_names_are_dropped_by_a_redirect(signed_in, helene):
    response = signed_in.get("/contacts?q=dub&_anchor=x&_external=1&contact_id=3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts?q=dub"


def test_i1_script_in_names_is_shown_as_text(signed_in):
    make_contact('"><svg onload=alert(1)>', "<script>alert(1)</script>", tags=["<img src=x>"])
    html = signed_in.get("/contacts").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "<svg onload" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_export_holds_the_filtered_list_on_every_page(signed_in, helene):
    for number in range(60):
        make_contact(f"Person{number:02d}", tags=["bulk"])

    rows = _csv(signed_in.get("/contacts/export.csv?tag=bulk&page=2"))

    assert rows[0][:3] == ["Honorific", "First name", "Last name"]
    assert "Notes" in rows[0]
    assert len(rows) == 61
    assert {r[2] for r in rows[1:]} == {f"Person{n:02d}" for n in range(60)}


def test_the_export_is_audited_with_the_count_only(signed_in, helene, audit_events):
    signed_in.get("/contacts/export.xlsx")

    [event] = audit_events("export")
    assert event.record_type == "Contact"
    assert event.detail == "1 rows as xlsx"
    assert "Dubois" not in str(event.detail) and event.after is None


def test_i7_exported_cells_that_could_start_a_formula_are_escaped(signed_in):
    make_contact('=HYPERLINK("http://evil")', "+1", notes="-2+3", tags=["@SUM(A1)"])

    [_, row] = _csv(signed_in.get("/contacts/export.csv"))
    assert row[1] == "'+1"
    assert row[2] == '\'=HYPERLINK("http://evil")'
    assert row[9] == "'@SUM(A1)"
    assert row[-1] == "'-2+3"
    sheet = load_workbook(io.BytesIO(signed_in.get("/contacts/export.xlsx").data)).active
    cells = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert cells[2] == '\'=HYPERLINK("http://evil")'
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in cells if v)


def test_the_vcard_carries_names_in_any_script_emails_phones_and_organisation(signed_in, helene):
    make_contact("Иванов", "Иван")
    response = signed_in.get(f"/contacts/{helene.id}/vcard")
    text = response.get_data(as_text=True)

    assert response.mimetype == "text/vcard"
    assert f'filename="contact-{helene.id}.vcf"' in response.headers["Content-Disposition"]
    assert "FN:H.E. Hélène Dubois" in text
    assert "N:Dubois;Hélène;;H.E.;" in text
    assert "EMAIL;TYPE=INTERNET:helene.dubois@diplomatie.example" in text
    assert "TEL:+41 22 917 12 34" in text
    assert "ORG:Permanent Mission of France" in text
    assert "TITLE:Ambassador" in text
    assert "Confidential" not in text
    ivan = db.session.scalar(sa.select(Contact).where(Contact.first_name == "Иван"))
    assert "N:Иванов;Иван;;;" in signed_in.get(f"/contacts/{ivan.id}/vcard").get_data(as_text=True)


def test_unknown_ids_answer_404(signed_in):
    for path in (
        "/contacts/999",
        "/contacts/99999999999999",
        "/contacts/999/vcard",
        "/contacts/999/edit",
        "/contacts/999/merge",
        "/contacts/export.pdf",
    ):
        assert signed_in.get(path).status_code == 404, path


def _many_contacts(count: int, organisation, tag: Tag) -> None:
    """Contacts with an email, a current posting and a tag each, inserted in one go."""
    people = []
    for number in range(count):
        contact = Contact(last_name=f"Person{number:04d}", first_name="Test", search_text="x")
        contact.emails = [
            ContactEmail(address=f"p{number}@x.example", normalised=f"p{number}@x.example")
        ]
        contact.postings = [Posting(organisation_id=organisation.id, position="Counsellor")]
        contact.tags = [tag]
        people.append(contact)
    with acting_as("test"):
        db.session.add_all(people)
        db.session.commit()


def test_the_list_runs_the_same_number_of_queries_for_10_and_1000_contacts(
    signed_in, count_queries, mission
):
    tag = Tag(name="load", key="load")
    db.session.add(tag)
    signed_in.get("/contacts")  # warm up: the signed-in user is loaded once

    _many_contacts(10, mission, tag)
    with count_queries() as few:
        assert len(contact_ids(signed_in.get("/contacts"))) == 10
    _many_contacts(990, mission, tag)
    with count_queries() as many:
        assert len(contact_ids(signed_in.get("/contacts?per_page=200"))) == 200

    assert many.count == few.count, (few.statements, many.statements)
    assert few.count <= 15
