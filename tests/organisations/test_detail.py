"""An organisation's page: details, present and past staff, history, archive and restore."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.organisations import services
from tests.conftest import csrf_token
from tests.directory.pages import section, text
from tests.factories import make_organisation, make_posting


def _page(client, organisation) -> str:
    response = client.get(f"/organisations/{organisation.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_every_detail_with_links_to_the_state_and_the_website(signed_in, app):
    mission = make_organisation(
        "Permanent Mission of Chile",
        kind="permanent_mission",
        acronym="PM-CHL",
        state_iso3="CHL",
        address="Rue de Moillebeau 58\n1209 Genève",
        email="mission@chile.example",
        phone="+41 22 919 88 00",
        website="https://chile.example/geneva",
        tags=["3RC", "GRULAC"],
        notes="Ask for the deputy.",
    )

    html = _page(signed_in, mission)
    details = text(section(html, "details-title"))

    assert "Permanent Mission of Chile" in html
    assert '<a href="/states/CHL">Chile</a>' in html
    assert '<a href="https://chile.example/geneva" rel="noopener noreferrer">' in html
    assert '<a href="mailto:mission@chile.example">' in html
    assert '<dd class="multiline">Rue de Moillebeau 58\n1209 Genève</dd>' in html
    assert "Kind Permanent mission" in details
    assert "Phone +41 22 919 88 00" in details
    assert "Tags 3RC GRULAC" in details
    assert "Ask for the deputy." in text(section(html, "notes-title"))


def test_present_and_past_staff_link_to_their_contact_pages(signed_in, app):
    ministry = make_organisation("Ministry of Foreign Affairs of Chile", kind="ministry")
    now = make_posting(ministry, "Soto", "Ana", "Director", start_date=dt.date(2023, 5, 2))
    before = make_posting(
        ministry,
        "Vidal",
        "Pedro",
        "Director",
        start_date=dt.date(2019, 1, 7),
        end_date=dt.date(2023, 4, 30),
    )

    html = _page(signed_in, ministry)
    present = text(section(html, "present-title"))
    past = text(section(html, "past-title"))

    assert f'<a href="/contacts/{now.contact.id}">Ana Soto</a>' in html
    assert f'<a href="/contacts/{before.contact.id}">Pedro Vidal</a>' in html
    assert "Ana Soto Director 2 May 2023" in present
    assert "Vidal" not in present
    assert "Pedro Vidal Director 7 Jan 2019 30 Apr 2023" in past


def test_the_history_says_who_changed_what_from_what_to_what(signed_in, app, staff):
    ngo = make_organisation("Geneva Call")
    data = services.data_of(ngo)
    data.email = "info@genevacall.example"
    data.state_iso3 = "CHE"
    services.update_organisation(ngo, data, ngo.version)

    history = text(_page(signed_in, ngo).split("Change history", 1)[1])

    assert "Created" in history
    assert "Email : — → info@genevacall.example" in history
    assert "State : — → Switzerland (CHE)" in history


def test_a3_an_unknown_id_is_not_found(signed_in, app):
    for path in (
        "/organisations/999999",
        "/organisations/99999999999999999999",
        "/organisations/-1",
        "/organisations/abc",
        "/organisations/999999/edit",
        "/organisations/99999999999999999999/edit",
    ):
        response = signed_in.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.get_data(as_text=True)
    token = csrf_token(signed_in, "/organisations/new")
    assert (
        signed_in.post("/organisations/999999/archive", data={"csrf_token": token}).status_code
        == 404
    )


def test_staff_archive_and_restore_from_the_page(signed_in, app):
    ngo = make_organisation("Archivable NGO")
    token = csrf_token(signed_in, "/organisations/new")

    response = signed_in.post(f"/organisations/{ngo.id}/archive", data={"csrf_token": token})
    assert response.headers["Location"] == f"/organisations/{ngo.id}"
    html = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Archivable NGO was archived." in html
    assert "Archived</span>" in html
    assert f'action="/organisations/{ngo.id}/restore"' in html
    assert "Archived : — → archived on" in text(html.split("Change history", 1)[1])

    signed_in.post(f"/organisations/{ngo.id}/restore", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Organisation, ngo.id).archived_at is None
    assert f'action="/organisations/{ngo.id}/archive"' in _page(signed_in, ngo)


def test_i1_markup_in_every_field_is_shown_as_text(signed_in, app):
    payload = '"><svg onload=alert(1)><script>alert(2)</script><img src=x onerror=alert(3)>'
    ngo = make_organisation(
        payload[:300],
        acronym=payload[:40],
        address=payload,
        phone=payload[:40],
        tags=[payload[:60]],
        notes=payload,
    )

    html = _page(signed_in, ngo)

    assert "<svg onload" not in html
    assert "<script>alert(2)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_a_website_stored_with_another_scheme_is_never_a_link(signed_in, app):
    ngo = make_organisation("Old import")
    db.session.execute(
        sa.update(Organisation)
        .where(Organisation.id == ngo.id)
        .values(website="javascript:alert(1)")
    )
    db.session.commit()

    html = _page(signed_in, ngo)

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_coordinators_see_the_page_without_notes_or_buttons(as_coordinator, app):
    ngo = make_organisation("Quiet NGO", notes="Never show this to coordinators")

    html = _page(as_coordinator, ngo)

    assert "Quiet NGO" in html
    assert "Never show this" not in html
    assert 'id="notes-title"' not in html
    assert "/edit" not in html
    assert "/archive" not in html
