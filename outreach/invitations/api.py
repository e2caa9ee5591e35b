"""/api/v1/meetings/<id>/audience, …/send and /api/v1/invitations."""

from __future__ import annotations

from outreach.api.auth import token_blueprint

blp = token_blueprint("invitations_api", __name__, "Invitations: audiences, sending, answers")
