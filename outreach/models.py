"""Every model, imported in one place so migrations and queries see the whole schema."""

from outreach.audit.models import AuditEvent
from outreach.auth.models import ApiToken, LoginAttempt, User, UserSession, user_area
from outreach.directory.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    Keyword,
    Organisation,
    Posting,
    Tag,
    contact_area,
    contact_keyword,
    contact_tag,
    organisation_tag,
)
from outreach.imports.models import ImportBatch, ImportMapping, ImportUpload
from outreach.interactions.models import (
    FollowUp,
    Interaction,
    interaction_area,
    interaction_contact,
    interaction_organisation,
    interaction_state,
    interaction_user,
)
from outreach.reference.models import State, StatusEvent, ThematicArea

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "FollowUp",
    "ImportBatch",
    "ImportMapping",
    "ImportUpload",
    "Interaction",
    "Keyword",
    "LoginAttempt",
    "Organisation",
    "Posting",
    "State",
    "StatusEvent",
    "Tag",
    "ThematicArea",
    "User",
    "UserSession",
    "contact_area",
    "contact_keyword",
    "contact_tag",
    "interaction_area",
    "interaction_contact",
    "interaction_organisation",
    "interaction_state",
    "interaction_user",
    "organisation_tag",
    "user_area",
]
