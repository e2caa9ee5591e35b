"""Forms of interactions and follow-ups."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, Optional

from outreach.contacts.forms import CheckboxListField
from outreach.directory.forms import choices
from outreach.interactions.models import KIND_LABELS

KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


class InteractionForm(FlaskForm):
    """A new interaction, with its optional follow-up; the service checks the values."""

    kind = SelectField(
        "Kind", choices=choices(KIND_CHOICES, "Choose a kind"), validate_choice=False
    )
    occurred_on = DateField("Date", validators=[Optional()])
    occurred_at_time = TimeField("Time (optional)", validators=[Optional()])
    subject = StringField("Subject", validators=[_at_most(300)])
    summary = TextAreaField("Summary", validators=[_at_most(50000)])
    outcome = TextAreaField("Outcome", validators=[_at_most(20000)])
    states = StringField("States", validators=[_at_most(2000)])
    organisations = CheckboxListField("Organisations", coerce=int, validate_choice=False)
    more_organisations = StringField("Other organisations (ids)", validators=[_at_most(1000)])
    contacts = CheckboxListField("People", coerce=int, validate_choice=False)
    more_contacts = StringField("Other people (ids)", validators=[_at_most(1000)])
    staff = CheckboxListField("ISU staff present", coerce=int, validate_choice=False)
    areas = CheckboxListField("Thematic areas", coerce=int, validate_choice=False)
    dialogues = CheckboxListField("Dialogues", coerce=int, validate_choice=False)
    file_under_dialogues = BooleanField(
        "File it under each State's dialogue on the ticked areas", default=True
    )
    confidential = BooleanField("Confidential (ISU staff only)")
    followup_description = StringField("Follow-up", validators=[_at_most(2000)])
    followup_owner = SelectField("Who follows up", choices=[], validate_choice=False, default="")
    followup_due_on = DateField("Due on", validators=[Optional()])
    version = HiddenField()


class DoneForm(FlaskForm):
    """Marks a follow-up done (the CSRF token only)."""


class FollowUpForm(FlaskForm):
    """A follow-up on its own; what it is about comes from the page it was opened from."""

    description = StringField("What is to be done", validators=[_at_most(2000)])
    owner = SelectField("Who follows up", choices=[], validate_choice=False, default="")
    due_on = DateField("Due on", validators=[Optional()])
    state = StringField("State (optional)", validators=[_at_most(3)])


class InteractionFilterForm(FlaskForm):
    """Search and filters of the interactions list, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField("Search subject, summary and outcome", validators=[_at_most(100)])
    kind = SelectField("Kind", choices=choices(KIND_CHOICES, "Any kind"), default="")
    state = SelectField("State", choices=[], default="")
    area = SelectField("Thematic area", choices=[], default="")
    dialogue = SelectField("Dialogue", choices=[], default="")
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    sensitivity = SelectField(
        "Sensitivity",
        choices=choices([("normal", "Normal"), ("confidential", "Confidential")], "Any"),
        default="",
    )
