"""Every model, imported in one place so migrations and queries see the whole schema."""

from outreach.audit.models import AuditEvent
from outreach.auth.models import ApiToken, LoginAttempt, User, UserSession, user_area
from outreach.directory.models import Organisation
from outreach.reference.models import State, StatusEvent, ThematicArea

__all__ = [
    "ApiToken",
    "AuditEvent",
    "LoginAttempt",
    "Organisation",
    "State",
    "StatusEvent",
    "ThematicArea",
    "User",
    "UserSession",
    "user_area",
]
