"""Personal links of invitees: signed, purpose-scoped, bound to one invitation, revocable."""

from __future__ import annotations

import hashlib
from typing import Literal

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from outreach.extensions import db
from outreach.invitations.models import Invitation
from outreach.meetings.models import MeetingStatus

Purpose = Literal["rsvp", "unsubscribe"]
# The public paths behind the links (outreach/rsvp/views.py serves them).
PATHS: dict[Purpose, str] = {"rsvp": "/rsvp/", "unsubscribe": "/unsubscribe/"}


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    # A salt per purpose: an unsubscribe token is no RSVP token, and the reverse.
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt=f"outreach.invitation.{purpose}",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def make_token(invitation: Invitation, purpose: Purpose) -> str:
    """A token naming the invitation and its token version, signed with HMAC-SHA256 (256 bits)."""
    return str(_serializer(purpose).dumps([invitation.id, invitation.token_version]))


def personal_url(invitation: Invitation, purpose: Purpose) -> str:
    """The absolute personal link, always on the configured base URL (never the Host header)."""
    base = current_app.config["OUTREACH_BASE_URL"].rstrip("/")
    return f"{base}{PATHS[purpose]}{make_token(invitation, purpose)}"


def load_invitation(token: str, purpose: Purpose) -> Invitation | None:
    """The invitation a token still opens, or None if tampered, expired, revoked or withdrawn."""
    max_age = current_app.config["RSVP_TOKEN_MAX_AGE_DAYS"] * 86400
    try:
        invitation_id, token_version = _serializer(purpose).loads(token, max_age=max_age)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(invitation_id, int) or not isinstance(token_version, int):
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.token_version != token_version:
        return None
    if invitation.removed_at is not None or invitation.contact.erased_at is not None:
        return None
    if purpose == "rsvp" and invitation.meeting.status is MeetingStatus.CANCELLED:
        return None
    return invitation


def revoke(invitation: Invitation) -> None:
    """Invalidate every personal link issued for the invitation so far; no commit."""
    invitation.token_version += 1
