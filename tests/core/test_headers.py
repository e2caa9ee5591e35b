"""S7: security headers and cookie flags on every kind of response."""

import re

import pytest

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")

PAGES = {
    "sign-in page": ("/login", 200),
    "signed-in page": ("/states", 200),
    "404 page": ("/no-such-page", 404),
    "API JSON": ("/api/v1/public/states", 200),
    "API JSON error": ("/api/v1/states", 401),
    "static file": ("/static/app.css", 200),
}


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def signed_in(client, auth, staff):
    auth.login(staff.email)
    return client


@pytest.mark.parametrize("kind", PAGES)
def test_s7_every_kind_of_response_carries_the_security_headers(request, client, kind):
    path, status = PAGES[kind]
    if kind == "signed-in page":
        client = request.getfixturevalue("signed_in")
    with client.get(path) as first, client.get(path) as second:  # closes the static file
        assert_security_headers(first, second, status)


def assert_security_headers(first, second, status):
    assert first.status_code == status
    directives = csp_directives(first)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in first.headers["Content-Security-Policy"]
    nonce = NONCE.search(first.headers["Content-Security-Policy"]).group(1)
    other = NONCE.search(second.headers["Content-Security-Policy"]).group(1)
    assert nonce != other, "the nonce must differ from one response to the next"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in first.headers  # plain http here


@pytest.mark.parametrize("path", ["/", "/states", "/states/FRA", "/account"])
def test_s7_signed_in_pages_are_never_stored_by_the_browser(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def cookie_attributes(response):
    [cookie] = response.headers.getlist("Set-Cookie")
    return [part.strip() for part in cookie.split(";")]


def test_s7_the_session_cookie_is_http_only_and_same_site_lax(client, auth, staff):
    for response in (client.get("/login"), auth.login(staff.email)):
        attributes = cookie_attributes(response)
        assert attributes[0].startswith("outreach_session=")
        assert "HttpOnly" in attributes
        assert "SameSite=Lax" in attributes
        assert "Secure" not in attributes  # plain http: a Secure cookie would never come back


def test_s7_on_https_the_cookie_is_secure_with_a_host_prefix_and_hsts_is_sent(
    make_app, monkeypatch
):
    monkeypatch.setenv("OUTREACH_BASE_URL", "https://outreach.example.org")
    secure_app = make_app(OUTREACH_BASE_URL="https://outreach.example.org")
    response = secure_app.test_client().get("/login", base_url="https://outreach.example.org")
    assert response.status_code == 200
    attributes = cookie_attributes(response)
    assert attributes[0].startswith("__Host-session=")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(attributes)
    assert not any(a.lower().startswith("domain=") for a in attributes)  # __Host- forbids it
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
