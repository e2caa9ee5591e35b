"""A4 and A1: every route is for signed-in users unless allowlisted, and coordinators only read."""

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import AuthActions, csrf_token
from tests.factories import PASSWORD, make_user

PUBLIC_PREFIXES = (
    "/login",
    "/static/",
    "/status",
    "/api/v1/openapi.json",
    "/api/v1/public/",
    "/meetings.ics",
    "/rsvp/",
    "/unsubscribe/",
    "/feeds/",
)
# A public meeting's calendar file is for anyone; other meetings' need sign-in (tests/rsvp).
PUBLIC_SUFFIXES = ("/calendar.ics",)
# Personal links answer a made-up token with their polite "no longer works" page.
PERSONAL_LINKS = ("/rsvp/", "/unsubscribe/", "/feeds/")
SAMPLE_VALUES = {
    "iso3": "FRA",
    "filename": "app.css",
    "organisation_id": 1,
    "contact_id": 1,
    "fmt": "csv",
    "token": "an-import-token",
    "batch_id": 1,
    "interaction_id": 1,
    "followup_id": 1,
    "dialogue_id": 1,
    "obligation_id": 1,
    "request_id": 1,
    "report_id": 1,
    "area": "universalization",
    "year": 2026,
    "meeting_id": 1,
    "invitation_id": 1,
    "message_id": 1,
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def build(app: Flask, rule: Rule) -> str:
    """The URL of a rule, with sample values for its arguments."""
    values = {name: SAMPLE_VALUES[name] for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def routes(app: Flask, method: str) -> list[str]:
    """A URL for every rule accepting this method."""
    return sorted(build(app, rule) for rule in app.url_map.iter_rules() if method in rule.methods)


def is_public(url: str) -> bool:
    return url.startswith(PUBLIC_PREFIXES) or url.endswith(PUBLIC_SUFFIXES)


def test_a4_every_page_sends_an_anonymous_visitor_to_sign_in(app, client):
    pages = [url for url in routes(app, "GET") if not is_public(url)]
    assert {"/", "/states", "/states/FRA", "/account", "/api/v1/states"} <= set(pages)
    for url in pages:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.is_json and response.get_json()["message"], url
            continue
        assert response.status_code == 302, url
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", url
        assert parse_qs(location.query)["next"] == [url], url


def test_a4_only_the_allowlisted_routes_answer_an_anonymous_visitor(app, client):
    public_pages = [url for url in routes(app, "GET") if is_public(url)]
    assert public_pages == [
        "/api/v1/openapi.json",
        "/api/v1/public/states",
        "/feeds/an-import-token.ics",
        "/login",
        "/meetings.ics",
        "/meetings/1/calendar.ics",
        "/rsvp/an-import-token",
        "/static/app.css",
        "/status",
        "/status/states.csv",
        "/unsubscribe/an-import-token",
    ]
    for url in public_pages:
        with client.get(url) as response:
            expected = 404 if url.startswith(PERSONAL_LINKS) else 200
            assert response.status_code == expected, url


def test_a4_every_state_changing_route_sends_an_anonymous_visitor_to_sign_in(app, client):
    token = csrf_token(client, "/login")
    forms = [url for url in routes(app, "POST") if not is_public(url)]
    assert {"/logout", "/account"} <= set(forms)
    for url in forms:
        response = client.post(url, data={"csrf_token": token})
        if url.startswith("/api/"):  # bearer tokens, not a sign-in page
            assert response.status_code == 401, url
            continue
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/login", url


def test_a1_coordinators_get_403_on_every_state_changing_route_and_nothing_happens(
    make_app,
):
    writes: list[str] = []
    coordinated = make_app()

    @coordinated.post("/test-only/write")
    def test_only_write() -> str:  # a staff route like those to come: no special marking
        writes.append("written")
        return "written"

    with coordinated.app_context():
        make_user("coord@mission.example", "coordinator", areas=["universalization"])
        make_user("staffer@isu.example", "staff")
    coordinator = AuthActions(coordinated.test_client())
    assert coordinator.login("coord@mission.example").headers["Location"] == "/"
    token = csrf_token(coordinator.client, "/account")
    # Their own session, password and calendar feed.
    exempt = {"/logout", "/account", "/account/calendar-feed", "/account/calendar-feed/revoke"}
    checked = []
    for rule in coordinated.url_map.iter_rules():
        url = build(coordinated, rule)
        if url in exempt or is_public(url) or url.startswith("/api/"):  # API: outreach.api.auth
            continue
        for method in sorted(rule.methods & WRITE_METHODS):
            response = coordinator.client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (method, url)
            assert "Your account does not have access" in response.get_data(as_text=True)
            checked.append(url)
    assert "/test-only/write" in checked
    assert writes == []
    staff = AuthActions(coordinated.test_client())
    staff.login("staffer@isu.example")
    assert staff.post("/test-only/write", {}, form_page="/account").status_code == 200
    assert writes == ["written"]


def test_a1_a_coordinator_reads_pages_but_cannot_post_to_them(client, auth, coordinator):
    auth.login(coordinator.email)
    assert client.get("/states").status_code == 200
    assert client.get("/states/FRA").status_code == 200
    token = csrf_token(client, "/account")
    assert client.post("/states", data={"csrf_token": token}).status_code in (403, 405)


def test_a1_a_coordinator_may_change_their_own_password_and_sign_out(
    client, auth, browser, coordinator
):
    auth.login(coordinator.email)
    new = "a brand new passphrase 2026"
    response = auth.post(
        "/account", {"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.headers["Location"] == "/account"
    assert auth.logout().headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert browser().login(coordinator.email, new).headers["Location"] == "/"


def test_a1_a_coordinator_token_reads_the_api(client, runner, coordinator):
    token = runner.invoke(args=["users", "token", coordinator.email]).output.strip()
    response = client.get("/api/v1/states", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
