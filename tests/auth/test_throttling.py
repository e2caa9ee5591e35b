"""S1: guessing passwords is throttled per account and per address, without a permanent lockout."""

import datetime as dt

import sqlalchemy as sa
import time_machine

from outreach.auth.models import LoginAttempt
from outreach.extensions import db

WRONG = "not the password at all"


def test_s1_after_too_many_wrong_passwords_even_the_right_one_is_refused_with_429(
    app, client, auth, staff, audit_events
):
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert limit == 5
    for _ in range(limit):
        assert auth.login(staff.email, WRONG).status_code == 401
    response = auth.login(staff.email)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins" in page
    assert "Try again in about 15 minutes" in page
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert client.get("/").status_code == 302  # not signed in
    [throttled] = audit_events("login_throttled")
    assert throttled.detail == staff.email
    assert throttled.ip == "127.0.0.1"


def test_s1_fewer_failures_than_the_limit_do_not_stop_the_right_password(app, auth, staff):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        auth.login(staff.email, WRONG)
    assert auth.login(staff.email).headers["Location"] == "/"


def test_s1_sign_in_works_again_once_the_window_has_passed(app, client, auth, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            auth.login(staff.email, WRONG)
        assert auth.login(staff.email).status_code == 429
        traveller.shift(dt.timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] - 1))
        assert auth.login(staff.email).status_code == 429
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        response = auth.login(staff.email)
        assert response.headers["Location"] == "/"
        assert client.get("/").status_code == 200


def test_s1_throttling_one_account_leaves_other_accounts_alone(app, auth, staff, admin):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login(staff.email, WRONG)
    assert auth.login(admin.email).headers["Location"] == "/"


def test_s1_failures_spread_over_many_accounts_from_one_address_are_throttled(
    app, auth, browser, staff, audit_events
):
    per_address = 4 * app.config["LOGIN_MAX_FAILURES"]
    for n in range(per_address):
        assert auth.login(f"guess{n}@isu.example", WRONG).status_code == 401
    assert auth.login(staff.email).status_code == 429
    assert [event.detail for event in audit_events("login_throttled")] == [staff.email]
    other_address = browser(ip="192.0.2.7")
    assert other_address.login(staff.email).headers["Location"] == "/"


def test_s1_failed_sign_ins_are_forgotten_once_they_no_longer_count(app, auth, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        for _ in range(3):
            auth.login(staff.email, WRONG)
        traveller.shift(dt.timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"], seconds=1))
        auth.login("someone@isu.example", WRONG)
    kept = db.session.scalars(sa.select(LoginAttempt.email)).all()
    assert kept == ["someone@isu.example"]
