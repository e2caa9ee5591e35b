"""Creating and editing contacts through the forms: duplicates, conflicts, postings, bulk
actions, merge, personal-data export and erasure, as ISU staff."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from outreach.contacts.services import ContactData, save_contact
from outreach.directory.models import Contact, Posting
from outreach.extensions import db
from tests.contacts.conftest import contact_ids
from tests.factories import make_contact

NEW = {
    "honorific": "Dr",
    "first_name": "Иван",
    "last_name": "Петров",
    "emails": "ivan.petrov@mission.example\nIVAN@second.example",
    "phones": "+41 22 917 12 34\n022 917 12 35",
    "preferred_language": "ru",
    "tags": "3RC, donor",
    "areas": ["clearance", "transparency"],
    "keywords": "non-technical survey, IMSMA",
    "notes": "Met at 13MSP.",
}


def _form(contact: Contact, **changes) -> dict:
    """The edit form as it was filled in on the page, with some values changed."""
    values = {
        "honorific": contact.honorific,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": "\n".join(e.address for e in contact.emails),
        "phones": "\n".join(p.number for p in contact.phones),
        "preferred_language": contact.preferred_language,
        "tags": ", ".join(t.name for t in contact.tags),
        "areas": [a.slug for a in contact.areas],
        "keywords": ", ".join(k.name for k in contact.keywords),
        "notes": contact.notes,
        "version": str(contact.version),
    }
    return {**values, **changes}


def test_creating_a_contact_with_a_first_posting(signed_in, auth, mission):
    response = auth.post(
        "/contacts/new",
        {
            **NEW,
            "organisation_id": str(mission.id),
            "position": "Counsellor",
            "start_date": "2025-09-01",
        },
    )

    contact = db.session.scalar(sa.select(Contact))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/{contact.id}"
    assert contact.display_name == "Dr Иван Петров"
    assert [e.address for e in contact.emails] == [
        "ivan.petrov@mission.example",
        "IVAN@second.example",
    ]
    assert [p.number for p in contact.phones] == ["+41229171234", "+41229171235"]
    assert [t.name for t in contact.tags] == ["3RC", "donor"]
    assert [a.slug for a in contact.areas] == ["clearance", "transparency"]
    assert contact.postings[0].start_date == dt.date(2025, 9, 1)
    page = signed_in.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Dr Иван Петров was added." in page
    assert "+41 22 917 12 34" in page
    assert f'href="/organisations/{mission.id}"' in page


def test_bad_input_is_shown_next_to_its_field_and_kept(signed_in, auth):
    response = auth.post(
        "/contacts/new",
        {
            "last_name": "",
            "first_name": "Keep me",
            "emails": "not-an-email",
            "phones": "123abc",
            "organisation_id": "99999999999",
            "start_date": "31/31/2025",
            "preferred_language": "xx",
            "areas": ["nowhere"],
        },
        form_page="/contacts/new",
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "Please correct the following" in html
    assert 'value="Keep me"' in html
    assert "not-an-email" in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


def test_a_service_refusal_is_shown_next_to_the_field(signed_in, auth):
    response = auth.post(
        "/contacts/new", {"last_name": "", "emails": "bad@", "preferred_language": "en"}
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "Enter the family name" in html
    assert 'id="last_name-error"' in html
    assert 'id="emails-error"' in html


def test_a_duplicate_is_flagged_before_saving_and_can_be_created_anyway(signed_in, auth, helene):
    data = {"first_name": "H", "last_name": "D", "emails": "HELENE.DUBOIS@diplomatie.example"}

    warned = auth.post("/contacts/new", data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "This person may already be in Outreach" in html
    assert f'href="/contacts/{helene.id}"' in html
    assert 'value="HELENE.DUBOIS@diplomatie.example"' in html or "HELENE.DUBOIS" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1

    created = auth.post("/contacts/new", {**data, "create_anyway": "y"})
    assert created.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 2


def test_the_same_name_at_the_same_organisation_is_flagged(signed_in, auth, helene, mission):
    warned = auth.post(
        "/contacts/new",
        {"first_name": "helene", "last_name": "DUBOIS", "organisation_id": str(mission.id)},
    )
    assert "This person may already be in Outreach" in warned.get_data(as_text=True)


def test_editing_saves_and_records_the_change(signed_in, auth, helene):
    response = auth.post(
        f"/contacts/{helene.id}/edit", _form(helene, first_name="Hélène-Marie", tags="3RC")
    )

    assert response.headers["Location"] == f"/contacts/{helene.id}"
    db.session.expire_all()
    contact = db.session.get(Contact, helene.id)
    assert contact.first_name == "Hélène-Marie"
    assert [t.name for t in contact.tags] == ["3RC"]
    history = signed_in.get(f"/contacts/{helene.id}").get_data(as_text=True)
    assert "Hélène → Hélène-Marie" in history
    assert "3RC, donor → 3RC" in history


def test_d2_two_forms_at_the_same_version_conflict_and_the_second_keeps_its_input(
    signed_in, auth, helene, browser
):
    mine = _form(helene, notes="My note")
    other = browser()
    other.login("specialist@isu.example")
    assert (
        other.post(f"/contacts/{helene.id}/edit", _form(helene, first_name="Helena")).status_code
        == 302
    )

    response = auth.post(f"/contacts/{helene.id}/edit", mine)
    html = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "Someone else changed this contact while you were editing" in html
    assert "specialist@isu.example" in html
    assert "Hélène → Helena" in html
    assert "My note" in html  # the user's input is kept
    db.session.expire_all()
    contact = db.session.get(Contact, helene.id)
    assert contact.first_name == "Helena"
    assert contact.notes == "Confidential: prefers calls after 5pm."


def test_adding_ending_and_moving_postings(signed_in, auth, helene, ngo):
    posting = helene.postings[0]

    added = auth.post(
        f"/contacts/{helene.id}/postings/new",
        {"organisation_id": str(ngo.id), "position": "Board member", "start_date": "2020-01-01"},
    )
    assert added.status_code == 302
    moved = auth.post(
        f"/contacts/{helene.id}/move",
        {
            "posting_id": str(posting.id),
            "moved_on": "2025-09-01",
            "organisation_id": str(ngo.id),
            "position": "Director",
        },
    )
    assert moved.status_code == 302
    postings = db.session.scalars(sa.select(Posting).order_by(Posting.id)).all()
    assert [(p.position, p.end_date) for p in postings] == [
        ("Ambassador", dt.date(2025, 8, 31)),
        ("Board member", None),
        ("Director", None),
    ]
    board = postings[1]
    ended = auth.post(
        f"/contacts/{helene.id}/postings/end",
        {"posting_id": str(board.id), "end_date": "2024-12-31"},
        form_page=f"/contacts/{helene.id}",
    )
    assert ended.status_code == 302
    db.session.expire_all()
    assert db.session.get(Posting, board.id).end_date == dt.date(2024, 12, 31)
    page = signed_in.get(f"/contacts/{helene.id}").get_data(as_text=True)
    past = page.split('id="past-title"', 1)[1]
    assert "Ambassador" in past and "Board member" in past


def test_bad_posting_input_is_shown_next_to_the_field(signed_in, auth, helene):
    posting = helene.postings[0]

    ended = auth.post(
        f"/contacts/{helene.id}/postings/end",
        {"posting_id": str(posting.id), "end_date": "2001-01-01"},
        form_page=f"/contacts/{helene.id}",
    )
    assert ended.status_code == 422
    assert "before the posting started" in ended.get_data(as_text=True)
    moved = auth.post(
        f"/contacts/{helene.id}/move",
        {"posting_id": str(posting.id), "moved_on": "2025-01-01", "organisation_id": ""},
    )
    assert moved.status_code == 422
    assert "Choose an organisation." in moved.get_data(as_text=True)
    assert db.session.get(Posting, posting.id).end_date is None


def test_bulk_actions_apply_to_the_ticked_contacts_and_keep_the_filters(signed_in, auth):
    a, b = make_contact("Alpha"), make_contact("Beta")

    response = auth.post(
        "/contacts/bulk",
        {"ids": [str(a.id), str(b.id)], "action": "tag", "tag": "3RC", "back": "q=a&sort=language"},
        form_page="/contacts",
    )
    assert response.headers["Location"] == "/contacts?q=a&sort=language"
    assert contact_ids(signed_in.get("/contacts?tag=3rc")) == [a.id, b.id]
    auth.post("/contacts/bulk", {"ids": [str(a.id)], "action": "archive", "back": ""}, "/contacts")
    assert contact_ids(signed_in.get("/contacts")) == [b.id]


def test_a_refused_bulk_action_says_why_and_keeps_the_ticks(signed_in, auth):
    a = make_contact("Alpha")

    response = auth.post(
        "/contacts/bulk",
        {"ids": [str(a.id)], "action": "tag", "tag": "", "back": "q=alp"},
        form_page="/contacts",
    )
    assert response.headers["Location"] == "/contacts?q=alp"
    html = signed_in.get("/contacts?q=alp").get_data(as_text=True)
    assert "Enter the tag to add or remove." in html
    assert f'value="{a.id}" id="select-{a.id}" checked' in html
    none_ticked = auth.post("/contacts/bulk", {"action": "archive", "back": ""}, "/contacts")
    assert none_ticked.status_code == 302
    assert "Tick at least one contact first." in signed_in.get("/contacts").get_data(as_text=True)


def test_merging_through_the_page(signed_in, auth, helene):
    other = make_contact("Dubois", "Helene", emails=["hd@other.example"])

    search = signed_in.get(f"/contacts/{helene.id}/merge?q=dubois").get_data(as_text=True)
    assert f"/contacts/{helene.id}/merge?other={other.id}" in search
    preview = signed_in.get(f"/contacts/{helene.id}/merge?other={other.id}")
    assert "Compare the two records" in preview.get_data(as_text=True)
    response = auth.post(
        f"/contacts/{helene.id}/merge",
        {
            "other_id": str(other.id),
            "survivor_version": str(helene.version),
            "other_version": str(other.version),
        },
        form_page=f"/contacts/{helene.id}/merge?other={other.id}",
    )

    assert response.headers["Location"] == f"/contacts/{helene.id}"
    merged_page = signed_in.get(f"/contacts/{other.id}").get_data(as_text=True)
    assert "This record was merged into" in merged_page
    assert f'href="/contacts/{helene.id}"' in merged_page
    assert signed_in.get(f"/contacts/{other.id}/edit").status_code == 302


def test_the_merge_page_explains_a_bad_choice(signed_in, helene):
    for other in ("abc", str(helene.id), "99999999999999"):
        response = signed_in.get(f"/contacts/{helene.id}/merge?other={other}")
        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_exporting_a_persons_data_downloads_json_and_is_audited(
    signed_in, auth, helene, audit_events
):
    response = auth.post(
        f"/contacts/{helene.id}/personal-data", {}, form_page=f"/contacts/{helene.id}"
    )

    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["contact"]["first_name"] == "Hélène"
    assert data["contact"]["notes"] == "Confidential: prefers calls after 5pm."
    assert len(audit_events("personal_data_export")) == 1


def test_erasing_through_the_confirmation_page(signed_in, auth, helene):
    confirm = signed_in.get(f"/contacts/{helene.id}/erase").get_data(as_text=True)
    assert "cannot be undone" in confirm or "for good" in confirm

    response = auth.post(f"/contacts/{helene.id}/erase", {})

    assert response.headers["Location"] == f"/contacts/{helene.id}"
    page = signed_in.get(f"/contacts/{helene.id}").get_data(as_text=True)
    assert "Hélène" not in page and "helene.dubois" not in page
    assert "personal data was erased" in page
    assert signed_in.get(f"/contacts/{helene.id}/vcard").status_code == 404


def test_archiving_and_restoring_from_the_page(signed_in, auth, helene):
    auth.post(f"/contacts/{helene.id}/archive", {}, form_page=f"/contacts/{helene.id}")
    assert contact_ids(signed_in.get("/contacts")) == []
    auth.post(f"/contacts/{helene.id}/restore", {}, form_page=f"/contacts/{helene.id}")
    assert contact_ids(signed_in.get("/contacts")) == [helene.id]


def test_i1_every_text_field_is_shown_as_text_on_the_page(signed_in, auth, mission):
    payload = '"><svg onload=alert(1)><script>alert(2)</script><img src=x onerror=alert(3)>'
    contact = make_contact(
        payload[:190],
        payload[:190],
        organisation=mission,
        position=payload[:190],
        notes=payload,
        tags=[payload[:50]],
        keywords=[payload[:50]],
        do_not_email=True,
        do_not_email_reason=payload[:190],
    )
    save_contact(contact, ContactData(last_name="Safe", notes=payload), contact.version)
    for path in (
        f"/contacts/{contact.id}",
        f"/contacts/{contact.id}/edit",
        "/contacts",
        "/experts",
        f"/contacts/{contact.id}/merge?q=safe",
    ):
        html = signed_in.get(path).get_data(as_text=True)
        assert "<svg onload" not in html and "<script>alert" not in html, path
        assert "<img src=x" not in html, path
