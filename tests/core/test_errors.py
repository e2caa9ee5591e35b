"""Error pages: styled for people, JSON under /api/, never a stack trace (P4)."""

import pytest

from outreach.core.access import public

SITE_HEADER = 'class="site-header"'


def assert_styled(response, status, title):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert SITE_HEADER in page
    assert f"Error {status}" in page
    assert title in page
    assert "Traceback" not in page


def test_an_unknown_address_gets_the_styled_404_page(client):
    assert_styled(client.get("/no-such-page"), 404, "Not found")


def test_an_unknown_state_gets_the_styled_404_page(client, auth, staff):
    auth.login(staff.email)
    assert_styled(client.get("/states/XXX"), 404, "Not found")


def test_a_wrong_method_gets_the_styled_405_page_with_the_allowed_ones(client):
    response = client.get("/logout")
    assert_styled(response, 405, "This address does not accept that kind of request.")
    assert "POST" in response.headers["Allow"]


@pytest.fixture
def production_like(make_app):
    """An app that, like production, turns unexpected exceptions into 500 responses, with routes
    that fail."""
    application = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False)

    @application.get("/test-only/boom")
    @application.get("/test-only/boom/<rest>")
    @public
    def boom(rest: str = "") -> str:
        raise RuntimeError("secret detail: SELECT * FROM user")

    @application.get("/api/v1/test-only/boom")
    def api_boom() -> str:
        raise RuntimeError("secret detail: SELECT * FROM user")

    return application


def test_p4_an_exception_in_production_gives_the_generic_500_page_without_a_trace(
    production_like, caplog
):
    response = production_like.test_client().get("/test-only/boom")
    assert_styled(response, 500, "Something went wrong")
    page = response.get_data(as_text=True)
    assert "secret detail" not in page
    assert "RuntimeError" not in page
    assert "secret detail" in caplog.text  # but it is logged for the administrators


def test_p3_a_newline_in_the_address_cannot_forge_a_line_of_the_error_log(production_like, caplog):
    response = production_like.test_client().get("/test-only/boom/x%0aERROR forged line")
    assert response.status_code == 500
    [logged] = [r.getMessage() for r in caplog.records if "unhandled error" in r.getMessage()]
    assert "\n" not in logged
    assert logged == "unhandled error on GET /test-only/boom/x\\nERROR forged line"


def test_p4_an_exception_under_the_api_gives_a_json_500_without_a_trace(production_like):
    response = production_like.test_client().get("/api/v1/test-only/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["message"] == "The error was recorded. Please try again in a moment."
    assert "secret detail" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/no-such-thing", 404), ("/api/v1/states", 401), ("/api/v1/public/states", 405)],
)
def test_errors_under_the_api_are_json_with_a_message(client, path, status):
    method = "POST" if status == 405 else "GET"
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert body["code"] == status
    assert body["message"]


def test_invalid_api_parameters_get_a_message_per_field(client, runner, staff):
    token = runner.invoke(args=["users", "token", staff.email]).output.strip()
    response = client.get(
        "/api/v1/states?status=bogus&per_page=0", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Some fields are not valid."
    assert set(body["errors"]) == {"status", "per_page"}


def test_a_request_for_an_untrusted_host_is_refused_with_400(app, client):
    app.config["TRUSTED_HOSTS"] = ["outreach.test"]
    assert client.get("/login", base_url="http://outreach.test").status_code == 200
    response = client.get("/login", base_url="http://evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)
    assert "evil.example" not in response.get_data(as_text=True)  # no link built from it


def test_a_request_for_an_untrusted_host_under_the_api_is_refused_with_400(app, client):
    app.config["TRUSTED_HOSTS"] = ["outreach.test"]
    response = client.get("/api/v1/public/states", base_url="http://evil.example")
    assert response.status_code == 400


def test_a_body_larger_than_the_limit_gets_the_styled_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x@isu.example", "password": "p" * 4096})
    assert_styled(response, 413, "Too large")
