"""Every model, imported in one place so migrations and queries see the whole schema."""

from outreach.audit.models import AuditEvent
from outreach.auth.models import ApiToken, LoginAttempt, User, UserSession, user_area
from outreach.dialogues.models import Dialogue, DialogueEvent, dialogue_user
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
    interaction_dialogue,
    interaction_organisation,
    interaction_state,
    interaction_user,
)
from outreach.invitations.models import (
    CalendarFeed,
    Delegate,
    Invitation,
    MessageTemplate,
)
from outreach.mail.models import Mailing, MailQueue, OutboxMessage
from outreach.meetings.models import Meeting
from outreach.obligations.models import Article7Report, ExtensionRequest, Obligation
from outreach.reference.models import State, StatusEvent, ThematicArea
from outreach.universalization.models import Engagement, StageEvent

__all__ = [
    "CalendarFeed",
    "Delegate",
    "Invitation",
    "MailQueue",
    "Mailing",
    "MessageTemplate",
    "OutboxMessage",
    "ApiToken",
    "Article7Report",
    "AuditEvent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Dialogue",
    "DialogueEvent",
    "Engagement",
    "ExtensionRequest",
    "FollowUp",
    "ImportBatch",
    "ImportMapping",
    "ImportUpload",
    "Interaction",
    "Keyword",
    "LoginAttempt",
    "Meeting",
    "Obligation",
    "Organisation",
    "Posting",
    "StageEvent",
    "State",
    "StatusEvent",
    "Tag",
    "ThematicArea",
    "User",
    "UserSession",
    "contact_area",
    "contact_keyword",
    "contact_tag",
    "dialogue_user",
    "interaction_area",
    "interaction_contact",
    "interaction_dialogue",
    "interaction_organisation",
    "interaction_state",
    "interaction_user",
    "organisation_tag",
    "user_area",
]
