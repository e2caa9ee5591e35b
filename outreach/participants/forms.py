"""Forms of a meeting's follow-through: who to remind, who attended, a sponsorship decision."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length

from outreach.participants.services import NOTE_LIMIT


class IdsField(SelectMultipleField):
    """The ids of the ticked boxes of a list; the page draws the boxes itself, one per row.

    Which ids may be acted on is the service's business (the list may have changed since the page
    was drawn), so the field only checks that each value is a number."""

    def __init__(self, label: str = "", **kwargs: object) -> None:
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not all(v.isascii() and v.isdigit() and len(v) < 10 for v in valuelist):
            self.data = []
            raise ValueError("Tick the boxes on the page; one value was not understood.")
        self.data = [int(v) for v in valuelist]


class ReminderForm(FlaskForm):
    """The invitees to remind (all ticked when the page opens)."""

    invitations = IdsField("People to remind")
    send = SubmitField("Send reminders")


class AttendanceForm(FlaskForm):
    """Who attended: the invitees and delegation members ticked, among those on the page."""

    shown = IdsField()
    attended = IdsField("Attended")
    delegates = IdsField("Delegation members who attended")
    save = SubmitField("Save attendance")


class SponsorshipDecisionForm(FlaskForm):
    """Approve or decline one request, with a note."""

    invitation = HiddenField()
    version = HiddenField()
    note = TextAreaField(
        "Note on the decision (optional)",
        validators=[
            Length(max=NOTE_LIMIT, message=f"Keep the note under {NOTE_LIMIT + 1} characters.")
        ],
    )
    approve = SubmitField("Approve")
    decline = SubmitField("Decline")
