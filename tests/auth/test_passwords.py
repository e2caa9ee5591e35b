"""Password rules (length, common passwords, not the email) and argon2id storage."""

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.auth import passwords
from outreach.auth.models import User
from outreach.auth.passwords import common_passwords, verify_password
from outreach.extensions import db
from tests.conftest import PRODUCTION_HASHER
from tests.factories import PASSWORD, make_user

COMMON = "password1234"


def stored_hash(email):
    return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


def test_the_common_password_used_here_is_on_the_shipped_list():
    assert COMMON in common_passwords()
    assert len(COMMON) >= 12  # refused for being common, not for being short


def test_passwords_are_stored_as_argon2id_hashes_at_no_less_than_the_owasp_cost(app, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHER)  # not the quick test hasher
    make_user("costly@isu.example")
    password_hash = stored_hash("costly@isu.example")
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    cost = dict(item.split("=") for item in password_hash.split("$")[3].split(","))
    assert int(cost["m"]) >= 19 * 1024 and int(cost["t"]) >= 2  # OWASP's argon2id minimum
    assert verify_password(password_hash, PASSWORD)
    assert not verify_password(password_hash, PASSWORD.upper())


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass1", "Use at least 12 characters."),
        (COMMON, "This password is too common; choose another."),
        (COMMON.upper(), "This password is too common; choose another."),
        ("newcomer@isu.example", "The password must not be your email address."),
        ("x" * 257, "Use at most 256 characters."),
    ],
    ids=["too-short", "common", "common-in-capitals", "the-email", "too-long"],
)
def test_a_weak_password_is_refused_when_creating_an_account(runner, password, message):
    result = runner.invoke(
        args=["users", "create", "newcomer@isu.example", "--role", "staff", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code == 1
    assert message in result.output
    assert stored_hash("newcomer@isu.example") is None


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short pass1", "Use at least 12 characters."),
        (COMMON, "This password is too common; choose another."),
        ("specialist@isu.example", "The password must not be your email address."),
        ("x" * 257, "Use at most 256 characters."),
    ],
    ids=["too-short", "common", "the-email", "too-long"],
)
def test_a_weak_new_password_is_refused_on_the_account_page(
    client, auth, staff, new_password, message
):
    auth.login(staff.email)
    response = auth.post(
        "/account",
        {"current_password": PASSWORD, "new_password": new_password, "confirm": new_password},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please correct the following" in page
    assert verify_password(stored_hash(staff.email), PASSWORD)


def test_the_current_password_must_be_right_to_change_it(auth, staff):
    auth.login(staff.email)
    new = "a brand new passphrase 2026"
    response = auth.post(
        "/account", {"current_password": "not my password", "new_password": new, "confirm": new}
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert verify_password(stored_hash(staff.email), PASSWORD)


def test_the_new_password_must_be_typed_the_same_twice(auth, staff):
    auth.login(staff.email)
    response = auth.post(
        "/account",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase 2026",
            "confirm": "a brand new passphrase 2025",
        },
    )
    assert response.status_code == 422
    assert "The two entries differ." in response.get_data(as_text=True)
    assert verify_password(stored_hash(staff.email), PASSWORD)


def test_a_changed_password_is_stored_as_argon2id_and_never_written_to_the_audit_trail(auth, staff):
    auth.login(staff.email)
    new = "a brand new passphrase 2026"
    auth.post("/account", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    password_hash = stored_hash(staff.email)
    assert password_hash.startswith("$argon2id$")
    assert verify_password(password_hash, new)
    trail = " ".join(
        f"{event.before} {event.after} {event.detail}"
        for event in db.session.scalars(sa.select(AuditEvent))
    )
    assert "password_changed_at" in trail  # the change itself is recorded
    assert password_hash not in trail
    assert new not in trail
    assert "argon2" not in trail


def test_a_password_hashed_at_a_lower_cost_is_rehashed_at_the_next_sign_in(
    auth, staff, monkeypatch
):
    cheap_hash = stored_hash(staff.email)
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHER)  # the cost was raised since
    assert auth.login(staff.email).headers["Location"] == "/"
    upgraded = stored_hash(staff.email)
    assert upgraded != cheap_hash
    assert not passwords.needs_rehash(upgraded)
    assert verify_password(upgraded, PASSWORD)
