"""Calendar feeds and downloads: the public feed of public meetings, one meeting's file, and
each user's private feed behind a revocable token (views of the rsvp blueprint)."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from outreach.core.access import any_signed_in_user_may_post, public
from outreach.extensions import limiter, login_manager
from outreach.meetings.calendar import CALENDAR_CONTENT_TYPE, download_ics, feed_ics
from outreach.rsvp import services
from outreach.rsvp.forms import ConfirmForm

PUBLIC_FEED_NAME = "Convention on Cluster Munitions: meetings"
PRIVATE_FEED_NAME = "CCM meetings (Outreach)"
# The public feed is the same for everyone: let caches keep it as long as clients wait anyway.
PUBLIC_CACHE = "public, max-age=900"
# Guessing feed tokens: each refused one counts.
GUESSES = limiter.limit(
    "30 per minute; 300 per day", deduct_when=lambda response: response.status_code == 404
)


def _calendar_response(ics: bytes, filename: str, *, attachment: bool = False) -> Response:
    response = Response(ics, status=200)
    response.headers["Content-Type"] = CALENDAR_CONTENT_TYPE
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@public
def public_feed() -> Response:
    """Public meetings, scheduled or cancelled, for anyone to subscribe to (METHOD:PUBLISH)."""
    events = [services.meeting_event(m, private=False) for m in services.public_meetings()]
    response = _calendar_response(feed_ics(events, name=PUBLIC_FEED_NAME), "ccm-meetings.ics")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


def _filename(meeting: Any) -> str:
    """14MSP.ics; a meeting without a code is meeting-<id>.ics."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", meeting.code or "").strip("-")
    return f"{code or f'meeting-{meeting.id}'}.ics"


@public
def meeting_calendar(meeting_id: int) -> ResponseReturnValue:
    """One meeting's file for "Add to my calendar": public meetings for anyone, the others
    for signed-in users."""
    signed_in = bool(current_user.is_authenticated)
    meeting = services.calendar_meeting(meeting_id, signed_in=signed_in)
    if meeting is None:
        if not signed_in:
            return login_manager.unauthorized()
        abort(404)
    ics = download_ics(services.meeting_event(meeting, private=signed_in))
    return _calendar_response(ics, _filename(meeting), attachment=True)


@public
@GUESSES
def private_feed(token: str) -> Response:
    """A user's own feed of every meeting they may read; 404 once revoked."""
    user = services.feed_owner(token)
    if user is None:
        abort(404)
    events = [services.meeting_event(m, private=True) for m in services.readable_meetings(user)]
    return _calendar_response(feed_ics(events, name=PRIVATE_FEED_NAME), "outreach-meetings.ics")


@any_signed_in_user_may_post
def feed_create() -> ResponseReturnValue:
    """Make a new private feed URL, shown once; any older one stops working."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = services.create_feed(current_user)
    url = _external(url_for("rsvp.private_feed", token=token))
    return render_template("rsvp/feed_created.html", feed_url=url)


@any_signed_in_user_may_post
def feed_revoke() -> ResponseReturnValue:
    """Stop the private feed URL."""
    if ConfirmForm().validate_on_submit() and services.revoke_feed(current_user):
        flash("Your calendar feed URL no longer works.", "success")
    return redirect(url_for("auth.account"))


def _external(path: str) -> str:
    """The address on the configured base URL (never the Host header)."""
    return current_app.config["OUTREACH_BASE_URL"].rstrip("/") + path


MEETING = "<int(max=2147483647):meeting_id>"
ROUTES = [
    ("/meetings.ics", public_feed, ["GET"]),
    (f"/meetings/{MEETING}/calendar.ics", meeting_calendar, ["GET"]),
    ("/feeds/<string(maxlength=100):token>.ics", private_feed, ["GET"]),
    ("/account/calendar-feed", feed_create, ["POST"]),
    ("/account/calendar-feed/revoke", feed_revoke, ["POST"]),
]
