"""The `users` commands: create, list, disable, password, token, ensure-admin."""

import re

import sqlalchemy as sa

from outreach.auth.models import ApiToken, User
from outreach.extensions import db

NEW_PASSWORD = "a brand new passphrase 2026"
SHOWN_ONCE = re.compile(r"Password \(shown once\): (\S+)")


def users(runner, *args, stdin=None):
    return runner.invoke(args=["users", *args], input=stdin)


def user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_users_create_prints_a_password_once_and_it_signs_in(client, auth, runner):
    result = users(runner, "create", "Newcomer@ISU.example", "--role", "staff", "--name", "Nia N")
    assert result.exit_code == 0, result.output
    assert "Created staff newcomer@isu.example." in result.output
    [password] = SHOWN_ONCE.findall(result.output)
    assert len(password) >= 12
    assert auth.login("newcomer@isu.example", password).headers["Location"] == "/"
    assert "Welcome, Nia N" in client.get("/").get_data(as_text=True)


def test_users_create_reads_the_password_from_standard_input_and_does_not_print_it(auth, runner):
    result = users(
        runner, "create", "reader@isu.example", "--role", "staff", "--password-stdin",
        stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert "Password" not in result.output
    assert auth.login("reader@isu.example", NEW_PASSWORD).headers["Location"] == "/"


def test_users_create_makes_a_coordinator_of_the_given_areas(runner):
    result = users(
        runner, "create", "coord@mission.example", "--role", "coordinator",
        "--area", "universalization", "--area", "clearance",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    coordinator = user("coord@mission.example")
    assert coordinator.role.value == "coordinator"
    assert sorted(area.slug for area in coordinator.areas) == ["clearance", "universalization"]


def test_a_coordinator_without_an_area_is_refused(runner):
    result = users(runner, "create", "coord@mission.example", "--role", "coordinator")
    assert result.exit_code != 0
    assert "A coordinator needs at least one thematic area." in result.output
    assert user("coord@mission.example") is None


def test_an_unknown_area_is_refused_and_named(runner):
    result = users(
        runner, "create", "coord@mission.example", "--role", "coordinator",
        "--area", "universalization", "--area", "diplomacy",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Unknown thematic area: diplomacy" in result.output
    assert user("coord@mission.example") is None


def test_an_email_already_in_use_is_refused_whatever_its_case(runner, staff):
    result = users(runner, "create", "SPECIALIST@isu.example", "--role", "admin")
    assert result.exit_code != 0
    assert "An account with this email already exists." in result.output
    assert user("specialist@isu.example").role.value == "staff"


def test_an_invalid_email_is_refused(runner):
    result = users(runner, "create", "not-an-email", "--role", "staff")
    assert result.exit_code != 0
    assert "Error:" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_list_shows_each_account_with_role_state_and_areas(runner, staff, coordinator):
    users(runner, "disable", staff.email)
    lines = users(runner, "list").output.splitlines()
    assert lines == [
        "coordinator@mission.example\tcoordinator\tactive\tuniversalization\tChris Coordinator",
        "specialist@isu.example\tstaff\tdisabled\t-\tSam Specialist",
    ]


def test_users_disable_of_an_unknown_email_fails(runner):
    result = users(runner, "disable", "nobody@isu.example")
    assert result.exit_code != 0
    assert "No account with this email." in result.output


def test_users_password_refuses_a_weak_password_and_keeps_the_old_one(auth, runner, staff):
    result = users(runner, "password", staff.email, stdin="password1234\n")
    assert result.exit_code != 0
    assert "too common" in result.output
    assert auth.login(staff.email).headers["Location"] == "/"


def test_users_password_sets_a_password_that_signs_in(browser, runner, staff):
    result = users(runner, "password", staff.email, stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert browser().login(staff.email).status_code == 401
    assert browser().login(staff.email, NEW_PASSWORD).headers["Location"] == "/"


def test_users_token_prints_a_bearer_token_for_the_api_that_is_stored_only_as_a_hash(
    client, runner, staff
):
    result = users(runner, "token", staff.email)
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token) > 30
    response = client.get("/api/v1/states?per_page=5", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["total"] == 197
    stored = db.session.execute(sa.select(ApiToken.__table__)).all()
    assert len(stored) == 1
    assert token not in repr(stored)
    assert token[4:] not in repr(stored)  # not even without its prefix


def test_a_wrong_token_is_refused(client, runner, staff):
    token = users(runner, "token", staff.email).output.strip()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get("/api/v1/states", headers=bearer(tampered))
    assert response.status_code == 401
    assert response.get_json()["message"]


def test_the_token_of_a_disabled_user_stops_working(client, runner, staff):
    token = users(runner, "token", staff.email).output.strip()
    assert client.get("/api/v1/states", headers=bearer(token)).status_code == 200
    users(runner, "disable", staff.email)
    response = client.get("/api/v1/states", headers=bearer(token))
    assert response.status_code == 401
    assert response.is_json


def test_a_disabled_user_gets_no_new_token(runner, staff):
    users(runner, "disable", staff.email)
    result = users(runner, "token", staff.email)
    assert result.exit_code != 0
    assert "No active account with this email." in result.output


def test_ensure_admin_creates_the_first_administrator_and_prints_the_password_once(auth, runner):
    result = users(runner, "ensure-admin")
    assert result.exit_code == 0, result.output
    assert "email:    admin@isu.example" in result.output
    [password] = re.findall(r"password: (\S+)", result.output)
    assert user("admin@isu.example").role.value == "admin"
    assert auth.login("admin@isu.example", password).headers["Location"] == "/"
    again = users(runner, "ensure-admin")
    assert again.exit_code == 0
    assert password not in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_ensure_admin_does_nothing_when_there_is_already_a_user(runner, staff):
    result = users(runner, "ensure-admin")
    assert result.exit_code == 0
    assert result.output == ""
    assert user("admin@isu.example") is None


def test_ensure_admin_uses_the_configured_email(runner, monkeypatch):
    monkeypatch.setenv("OUTREACH_ADMIN_EMAIL", "director@isu.example")
    assert users(runner, "ensure-admin").exit_code == 0
    assert user("director@isu.example").role.value == "admin"


def test_ensure_admin_with_an_invalid_configured_email_says_so(runner, monkeypatch):
    monkeypatch.setenv("OUTREACH_ADMIN_EMAIL", "admin at isu")
    result = users(runner, "ensure-admin")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
