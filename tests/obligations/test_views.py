"""The obligations pages as staff and coordinators use them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from outreach.extensions import db
from outreach.obligations.models import Article7Report, ObligationStatus
from tests.conftest import csrf_token
from tests.factories import make_dialogue
from tests.obligations.conftest import obligation, set_values

TODAY = dt.date.today()


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_both_articles_with_the_deadline_in_force(client, auth, staff):
    set_values(obligation("LAO", 4), extended_deadline=dt.date(2031, 8, 1))
    auth.login(staff.email)
    html = _html(client.get("/obligations"))
    assert "<strong>62</strong> obligations found" in html
    assert "Lao People" in html and '<time datetime="2031-08-01">' in html
    html = _html(client.get("/obligations?article=4&status=in_progress"))
    assert "Lao People" in html and "Austria" not in html


def test_the_24_month_filter_keeps_the_deadlines_not_met_in_the_window(client, auth, staff):
    set_values(obligation("LAO", 4), extended_deadline=TODAY + dt.timedelta(days=400))
    set_values(obligation("DEU", 4), extended_deadline=TODAY + dt.timedelta(days=800))
    auth.login(staff.email)
    html = _html(client.get("/obligations?due=y"))
    assert "Lao People" in html
    assert "Germany" not in html
    assert "Croatia" not in html  # completed


def test_staff_get_a_one_click_open_dialogue_button_and_a_link_once_it_exists(client, auth, staff):
    auth.login(staff.email)
    html = _html(client.get("/obligations?article=4"))
    assert 'action="/states/LAO/dialogues"' in html
    assert 'name="area" value="clearance"' in html
    dialogue = make_dialogue("LAO", "clearance")
    html = _html(client.get("/obligations?article=4"))
    assert f'href="/dialogues/{dialogue.id}"' in html
    assert 'action="/states/LAO/dialogues"' not in html


def test_the_button_opens_the_dialogue(client, auth, staff):
    auth.login(staff.email)
    response = auth.post("/states/LAO/dialogues", {"area": "clearance"}, form_page="/account")
    assert response.status_code == 302
    html = _html(client.get("/obligations?article=4"))
    assert 'action="/states/LAO/dialogues"' not in html


def test_a_coordinator_reads_without_buttons_and_cannot_post(client, auth, coordinator):
    auth.login(coordinator.email)
    lao = obligation("LAO", 4)
    for url in ("/obligations", "/deadlines", "/reports", f"/obligations/{lao.id}", "/states/LAO"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Open dialogue" not in _html(response), url
    token = csrf_token(client, "/account")
    before = lao.version
    response = client.post(
        f"/obligations/{lao.id}/edit", data={"csrf_token": token, "status": "completed"}
    )
    assert response.status_code == 403
    assert client.get(f"/obligations/{lao.id}/edit").status_code == 403
    db.session.expire_all()
    assert obligation("LAO", 4).version == before


def _edit_form(o, **values):
    data = {
        "original_deadline": o.original_deadline.isoformat(),
        "extended_deadline": "",
        "status": o.status.value,
        "completed_on": "",
        "source": o.source,
        "notes": "",
        "version": str(o.version),
    }
    return {**data, **values}


def test_staff_complete_an_obligation(client, auth, staff):
    lao = obligation("LAO", 4)
    auth.login(staff.email)
    url = f"/obligations/{lao.id}/edit"
    response = auth.post(url, _edit_form(lao, status="completed", completed_on="2026-01-15"))
    assert response.status_code == 302
    html = _html(client.get(response.headers["Location"]))
    assert "was saved" in html and "Completed" in html
    db.session.expire_all()
    lao = obligation("LAO", 4)
    assert lao.status == ObligationStatus.COMPLETED
    assert lao.completed_on == dt.date(2026, 1, 15)


def test_bad_input_is_explained_next_to_its_field_and_kept(client, auth, staff):
    lao = obligation("LAO", 4)
    auth.login(staff.email)
    url = f"/obligations/{lao.id}/edit"
    response = auth.post(url, _edit_form(lao, status="completed", notes="kept note"))
    assert response.status_code == 422
    html = _html(response)
    assert 'id="completed_on-error">Enter the date the obligation was completed.' in html
    assert "kept note" in html
    response = auth.post(url, _edit_form(lao, extended_deadline="31/02/2030"))
    assert response.status_code == 422
    assert 'id="extended_deadline-error">Enter a date as YYYY-MM-DD' in _html(response)


def test_an_edit_from_an_old_form_is_a_conflict_that_shows_their_change(client, auth, staff):
    lao = obligation("LAO", 4)
    old = _edit_form(lao)
    auth.login(staff.email)
    url = f"/obligations/{lao.id}/edit"
    assert auth.post(url, _edit_form(lao, notes="Theirs")).status_code == 302
    response = auth.post(url, {**old, "notes": "Mine"})
    assert response.status_code == 409
    html = _html(response)
    assert "Someone else saved this" in html and "Theirs" in html and "Mine" in html
    db.session.expire_all()
    assert obligation("LAO", 4).notes == "Theirs"


def test_a_granted_extension_becomes_the_deadline_in_force(client, auth, staff):
    lao = set_values(obligation("LAO", 4), extended_deadline=None)
    auth.login(staff.email)
    url = f"/obligations/{lao.id}/requests/new"
    assert "becomes the obligation" in _html(client.get(url))
    data = {
        "submitted_on": "2025-03-01",
        "requested_deadline": "2030-08-01",
        "status": "granted",
        "decided_at_meeting": "13MSP",
        "decided_on": "2025-09-18",
        "new_deadline": "2030-08-01",
        "notes": "",
    }
    response = auth.post(url, data)
    assert response.status_code == 302
    html = _html(client.get(response.headers["Location"]))
    assert "the deadline in force is now 1 August 2030" in html
    assert "13MSP" in html
    db.session.expire_all()
    assert obligation("LAO", 4).deadline == dt.date(2030, 8, 1)


def test_a_decision_without_its_meeting_is_refused_next_to_the_field(client, auth, staff):
    lao = obligation("LAO", 4)
    auth.login(staff.email)
    url = f"/obligations/{lao.id}/requests/new"
    data = {"submitted_on": "2025-03-01", "status": "refused", "decided_on": "2025-09-18"}
    response = auth.post(url, data)
    assert response.status_code == 422
    assert 'id="decided_at_meeting-error">Enter the meeting' in _html(response)


def test_editing_a_request_and_unknown_ids(client, auth, staff):
    lao = obligation("LAO", 4)
    auth.login(staff.email)
    auth.post(
        f"/obligations/{lao.id}/requests/new",
        {"submitted_on": "2025-03-01", "status": "submitted"},
    )
    request_id = obligation("LAO", 4).extension_requests[0].id
    url = f"/obligations/{lao.id}/requests/{request_id}/edit"
    assert 'value="2025-03-01"' in _html(client.get(url))
    assert client.get("/obligations/999999").status_code == 404
    assert client.get(f"/obligations/{lao.id}/requests/999999/edit").status_code == 404
    other = obligation("DEU", 4)
    assert client.get(f"/obligations/{other.id}/requests/{request_id}/edit").status_code == 404


def test_the_deadlines_page_lists_deadlines_and_overdue_reports_with_their_dialogue(
    client, auth, staff
):
    set_values(obligation("LAO", 4), extended_deadline=TODAY + dt.timedelta(days=100))
    auth.login(staff.email)
    html = _html(client.get("/deadlines"))
    assert "Lao People" in html
    assert "Overdue Article 7 reports" in html
    assert 'name="area" value="transparency"' in html
    assert 'name="area" value="clearance"' in html


def test_recording_a_report_takes_it_off_the_overdue_list(client, auth, staff):
    auth.login(staff.email)
    year = TODAY.year - 1
    url = f"/states/LAO/reports/{year}?kind=annual"
    response = auth.post(
        url,
        {"kind": "annual", "year": str(year), "received_on": TODAY.isoformat(), "notes": ""},
    )
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Article7Report))
    assert (report.year, report.received_on) == (year, TODAY)
    html = _html(client.get("/reports?received=yes"))
    assert "Lao People" in html and "Germany" not in html
    response = auth.post(url, {"kind": "annual", "year": str(year), "received_on": "2999-01-01"})
    assert response.status_code == 422
    assert 'id="received_on-error">' in _html(response)


def test_the_state_page_shows_obligations_and_reports(client, auth, staff):
    auth.login(staff.email)
    html = _html(client.get("/states/LAO"))
    assert 'id="obligations-title"' in html
    assert "Art. 4 — clearance" in html
    assert "Article 7 reports" in html
    assert 'id="obligations-title"' not in _html(client.get("/states/IDN"))


def test_exports(client, auth, staff):
    auth.login(staff.email)
    response = client.get("/obligations/export.csv?article=4")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Lao People" in text and text.count("\r\n") == 21
    assert client.get("/obligations/export.xlsx").status_code == 200


def test_list_queries_do_not_grow_with_rows(client, auth, staff, count_queries):
    make_dialogue("LAO", "clearance")
    auth.login(staff.email)
    client.get("/obligations?article=4&status=unknown")
    with count_queries() as few:
        assert "<strong>1</strong> obligation found" in _html(
            client.get("/obligations?article=4&status=unknown")
        )
    with count_queries() as many:
        client.get("/obligations")
    assert many.count == few.count
    with count_queries() as before:
        client.get("/deadlines")
    make_dialogue("DEU", "transparency")
    set_values(obligation("DEU", 4), extended_deadline=TODAY + dt.timedelta(days=30))
    client.get("/deadlines")
    with count_queries() as after:
        client.get("/deadlines")
    assert after.count == before.count
