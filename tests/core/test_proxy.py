"""Behind a reverse proxy: the client address comes from X-Forwarded-For only when configured."""

import sqlalchemy as sa

from outreach.auth.models import LoginAttempt
from outreach.extensions import db
from tests.conftest import csrf_token


def _fail_sign_in(client):
    token = csrf_token(client, "/login")
    headers = {"X-Forwarded-For": "203.0.113.7"}
    client.post(
        "/login",
        data={"email": "nobody@isu.example", "password": "wrong", "csrf_token": token},
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    return db.session.scalars(sa.select(LoginAttempt.ip)).all()


def test_without_trusted_proxies_the_forwarded_address_is_ignored(client):
    assert _fail_sign_in(client) == ["10.0.0.1"]


def test_with_one_trusted_proxy_the_forwarded_address_is_the_client(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        assert _fail_sign_in(app.test_client()) == ["203.0.113.7"]
