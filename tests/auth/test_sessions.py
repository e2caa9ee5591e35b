"""S2 to S5: a new session at sign-in, and sessions that end for good when they should."""

import datetime as dt

import sqlalchemy as sa
import time_machine

from outreach.auth.models import User
from outreach.extensions import db
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase 2026"


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_s2_signing_in_replaces_the_session_and_drops_what_was_set_before(
    client, auth, staff, session_cookie
):
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "set before sign-in"
    cookie_before = session_cookie(client)
    auth.login(staff.email)
    cookie_after = session_cookie(client)
    assert cookie_after and cookie_after != cookie_before
    with client.session_transaction() as after:
        assert "planted" not in after


def test_s2_each_sign_in_gets_its_own_session_token(client, auth, browser, staff, session_cookie):
    auth.login(staff.email)
    other = browser()
    other.login(staff.email)
    with client.session_transaction() as first, other.client.session_transaction() as second:
        assert first["_user_id"] != second["_user_id"]
    assert session_cookie(client) != session_cookie(other.client)


def test_s2_signing_in_again_in_the_same_browser_ends_the_session_it_replaces(
    client, auth, browser, staff, admin, session_cookie
):
    auth.login(staff.email)
    replaced = session_cookie(client)
    response = auth.post(
        "/login", {"email": admin.email, "password": PASSWORD}, form_page="/account"
    )
    assert response.headers["Location"] == "/"
    assert "Welcome, Dana Director" in client.get("/").get_data(as_text=True)
    assert_sent_to_sign_in(browser(cookie=replaced).client.get("/"))


def test_s3_a_session_cookie_copied_before_sign_out_is_refused_after_it(
    client, auth, browser, staff, session_cookie
):
    auth.login(staff.email)
    copied = session_cookie(client)
    # While the session lives, the copy works anywhere: the cookie is all it takes.
    assert browser(cookie=copied).client.get("/").status_code == 200
    auth.logout()
    replayed = browser(cookie=copied).client.get("/")
    assert_sent_to_sign_in(replayed)
    assert browser(cookie=copied).client.get("/account").headers["Location"] == (
        "/login?next=/account"
    )


def test_s4_disabling_a_user_ends_their_session_at_the_next_request(client, auth, runner, staff):
    auth.login(staff.email)
    assert client.get("/").status_code == 200
    assert runner.invoke(args=["users", "disable", staff.email]).exit_code == 0
    assert_sent_to_sign_in(client.get("/"))


def test_s4_a_session_ends_however_the_account_was_disabled(client, auth, staff):
    auth.login(staff.email)
    db.session.execute(sa.update(User).where(User.id == staff.id).values(active=False))
    db.session.commit()  # as a future admin page or a database fix might do
    assert_sent_to_sign_in(client.get("/"))


def test_s4_a_password_set_with_the_users_command_ends_every_session(
    client, auth, browser, runner, staff
):
    auth.login(staff.email)
    other = browser()
    other.login(staff.email)
    result = runner.invoke(args=["users", "password", staff.email], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert_sent_to_sign_in(client.get("/"))
    assert_sent_to_sign_in(other.client.get("/"))


def test_s4_changing_the_password_ends_other_sessions_but_keeps_this_one(
    client, auth, browser, staff
):
    auth.login(staff.email)
    elsewhere = browser()
    elsewhere.login(staff.email)
    assert elsewhere.client.get("/").status_code == 200
    response = auth.post(
        "/account",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/account"
    page = client.get("/account")
    assert page.status_code == 200
    assert "Your password was changed." in page.get_data(as_text=True)
    assert_sent_to_sign_in(elsewhere.client.get("/"))
    assert elsewhere.login(staff.email, PASSWORD).status_code == 401
    assert elsewhere.login(staff.email, NEW_PASSWORD).headers["Location"] == "/"


def test_s5_a_session_idle_for_longer_than_allowed_must_sign_in_again(app, client, auth, staff):
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    assert idle == dt.timedelta(minutes=60)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        auth.login(staff.email)
        assert client.get("/").status_code == 200
        traveller.shift(idle - dt.timedelta(minutes=1))
        assert client.get("/").status_code == 200  # still there, and the clock restarts
        traveller.shift(idle - dt.timedelta(minutes=1))
        assert client.get("/").status_code == 200
        traveller.shift(idle + dt.timedelta(minutes=1))
        assert_sent_to_sign_in(client.get("/"))
        assert_sent_to_sign_in(client.get("/"))  # and it stays signed out
        assert auth.login(staff.email).headers["Location"] == "/"
        assert client.get("/").status_code == 200


def test_s5_even_a_busy_session_ends_after_the_maximum_age(app, client, auth, staff):
    max_age = dt.timedelta(hours=app.config["SESSION_MAX_HOURS"])
    assert max_age == dt.timedelta(hours=12)
    step = dt.timedelta(minutes=50)  # always active, never idle
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        auth.login(staff.email)
        elapsed = dt.timedelta(0)
        while elapsed + step < max_age:
            traveller.shift(step)
            elapsed += step
            assert client.get("/account").status_code == 200, f"signed out after {elapsed}"
        traveller.shift(max_age - elapsed + dt.timedelta(minutes=1))
        assert_sent_to_sign_in(client.get("/account"))
