"""T5: sign-in and sign-out forms refuse requests without this session's CSRF token."""

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD

EXPIRED = "The form had expired or was sent from elsewhere."


def assert_styled_400(response):
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="site-header"' in page
    assert EXPIRED in page
    assert "Traceback" not in page


@pytest.mark.parametrize("token", [None, "", "not-a-token"], ids=["missing", "empty", "forged"])
def test_t5_signing_in_without_a_valid_csrf_token_is_refused(client, staff, token, audit_events):
    client.get("/login")
    data = {"email": staff.email, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    assert_styled_400(client.post("/login", data=data))
    assert client.get("/").status_code == 302
    assert audit_events("login") == []


def test_t5_signing_in_with_a_token_from_another_session_is_refused(client, browser, staff):
    client.get("/login")
    stolen = csrf_token(browser().client, "/login")
    response = client.post(
        "/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": stolen}
    )
    assert_styled_400(response)
    assert client.get("/").status_code == 302


def test_t5_a_forged_sign_out_without_a_token_leaves_the_user_signed_in(client, auth, staff):
    auth.login(staff.email)
    assert_styled_400(client.post("/logout"))
    assert client.get("/").status_code == 200


def test_t5_a_sign_out_with_a_token_from_another_session_leaves_the_user_signed_in(
    client, auth, browser, staff, audit_events
):
    auth.login(staff.email)
    attacker = browser()
    attacker.login(staff.email)
    foreign_token = csrf_token(attacker.client, "/account")
    assert_styled_400(client.post("/logout", data={"csrf_token": foreign_token}))
    assert client.get("/").status_code == 200
    assert audit_events("logout") == []


def test_t5_a_password_change_without_a_token_changes_nothing(client, auth, browser, staff):
    auth.login(staff.email)
    new = "a brand new passphrase 2026"
    response = client.post(
        "/account", data={"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert_styled_400(response)
    assert browser().login(staff.email, PASSWORD).headers["Location"] == "/"
