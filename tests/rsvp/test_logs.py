"""Personal links stay out of the logs: the access logs of the development server and gunicorn,
and the record of an unexpected error on an invitee's page."""

from __future__ import annotations

import logging

from gunicorn.glogging import SafeAtoms

from outreach.rsvp import logs, services
from outreach.rsvp.tokens import make_token


def formatted(record: logging.LogRecord) -> str:
    logs.FILTER.filter(record)
    return record.getMessage()


def test_the_development_server_s_access_line_hides_the_token(app, invitee):
    token = make_token(invitee.invitation, "rsvp")
    assert logs.FILTER in logging.getLogger("werkzeug").filters
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s %s',
        ("127.0.0.1", "28/Nov/2026 10:00:00", f"POST /rsvp/{token}?lang=fr HTTP/1.1", "302", "-"),
        None,
    )
    line = formatted(record)
    assert token not in line
    assert '"POST /rsvp/[link]?lang=fr HTTP/1.1" 302' in line


def test_gunicorn_s_access_line_hides_tokens_of_every_personal_link(app):
    assert logs.FILTER in logging.getLogger("gunicorn.access").filters
    for path in ("/rsvp/abc.DEF_123", "/unsubscribe/abc.DEF-123", "/feeds/Zm9vYmFy-_.ics"):
        atoms = SafeAtoms({"r": f"GET {path} HTTP/1.1", "U": path, "s": "200"})
        record = logging.LogRecord(
            "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s %(U)s %(m)s', None, None
        )
        record.args = atoms  # as gunicorn passes them: one mapping
        line = formatted(record)
        assert "abc" not in line and "Zm9v" not in line, line
        assert line.endswith(" -")  # atoms it lacks still read as "-"


def test_other_paths_are_logged_as_they_are(app):
    assert logs.redact("GET /meetings/4/invitations/7 HTTP/1.1") == (
        "GET /meetings/4/invitations/7 HTTP/1.1"
    )
    assert logs.redact("GET /meetings.ics") == "GET /meetings.ics"


def test_an_unexpected_error_on_the_page_is_logged_without_the_link(
    client, invitee, monkeypatch, caplog
):
    token = make_token(invitee.invitation, "rsvp")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "answer_open", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/rsvp/{token}")
    assert response.status_code == 500
    assert "the database went away" in caplog.text  # the error is recorded…
    assert "rsvp.answer" in caplog.text
    assert token not in caplog.text  # …but not the link


def test_a_busy_database_gets_the_friendly_retry_page_on_the_invitee_s_page(
    client, invitee, monkeypatch
):
    import sqlalchemy.exc

    def busy(*_args, **_kwargs):
        raise sqlalchemy.exc.OperationalError("BEGIN IMMEDIATE", {}, Exception("locked"))

    path = invitee.rsvp
    monkeypatch.setattr(services, "answer_open", busy)
    response = client.get(path)
    assert response.status_code == 503
    assert "The database is busy" in response.get_data(as_text=True)
