"""Signing in through the form: the happy path, refusals, the audit trail and where it leads."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import PASSWORD

WRONG = "not the password at all"
REFUSAL = "Email or password is not correct"


def test_good_credentials_lead_to_the_home_page_which_greets_the_user_by_name(client, auth, staff):
    response = auth.login(staff.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Welcome, Sam Specialist" in page.get_data(as_text=True)


def test_the_email_may_be_typed_in_any_case_with_spaces_around_it(client, auth, staff):
    response = auth.login("  Specialist@ISU.Example ")
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_401_and_recorded_as_a_failed_sign_in(
    client, auth, staff, audit_events
):
    response = auth.login(staff.email, WRONG)
    assert response.status_code == 401
    assert REFUSAL in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out
    assert [event.detail for event in audit_events("login_failed")] == [staff.email]
    assert audit_events("login") == []


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(auth, audit_events):
    response = auth.login("nobody@isu.example", WRONG)
    assert response.status_code == 401
    assert REFUSAL in response.get_data(as_text=True)
    assert [event.detail for event in audit_events("login_failed")] == ["nobody@isu.example"]


def test_a_successful_sign_in_is_recorded_with_who_and_from_where(auth, staff, audit_events):
    auth.login(staff.email)
    [event] = audit_events("login")
    assert event.actor_user_id == staff.id
    assert event.actor_label == staff.email
    assert event.record_id == str(staff.id)
    assert event.ip == "127.0.0.1"


def test_a_disabled_user_cannot_sign_in(client, auth, runner, staff):
    assert runner.invoke(args=["users", "disable", staff.email]).exit_code == 0
    response = auth.login(staff.email)
    assert response.status_code == 401
    assert REFUSAL in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_signing_out_ends_the_session_and_says_so(client, auth, staff, audit_events):
    auth.login(staff.email)
    response = auth.logout()
    assert response.headers["Location"] == "/login"
    assert "You are signed out." in client.get("/login").get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/login?next=/"
    assert [event.actor_user_id for event in audit_events("logout")] == [staff.id]


def test_an_anonymous_visitor_is_sent_to_sign_in_and_brought_back_to_the_page_afterwards(
    client, auth, staff
):
    target = "/states?status=signatory"
    location = client.get(target).headers["Location"]
    assert urlsplit(location).path == "/login"
    assert parse_qs(urlsplit(location).query) == {"next": [target]}
    login_page = client.get(location).get_data(as_text=True)
    assert "Please sign in to continue." in login_page
    assert f'name="next" type="hidden" value="{target}"' in login_page
    response = auth.post(
        "/login",
        {"email": staff.email, "password": PASSWORD, "next": target},
        form_page=location,
    )
    assert response.headers["Location"] == target


def test_a6_next_within_the_site_is_followed_after_sign_in(auth, staff):
    response = auth.login(staff.email, next="/states")
    assert response.headers["Location"] == "/states"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https:evil.example",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_a6_next_pointing_off_the_site_lands_on_the_home_page(auth, staff, target):
    response = auth.login(staff.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a6_a_signed_in_visitor_of_the_sign_in_page_is_not_sent_off_the_site(client, auth, staff):
    auth.login(staff.email)
    assert client.get("/login?next=//evil.example").headers["Location"] == "/"
    assert client.get("/login?next=/account").headers["Location"] == "/account"
