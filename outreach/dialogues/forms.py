"""Forms of dialogues: changing one, with the note on a change of status."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from outreach.contacts.forms import CheckboxListField
from outreach.dialogues.models import DialogueStatus
from outreach.dialogues.services import NEXT_STEP_MAX, NOTE_MAX, POSITION_MAX

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in DialogueStatus]


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


class DialogueForm(FlaskForm):
    """A dialogue's editable values; the service checks them and says what is wrong."""

    # Choices are checked by the service, whose messages say what to do.
    status = SelectField("Status", choices=STATUS_CHOICES, validate_choice=False)
    status_note = TextAreaField("Note on the status change", validators=[_at_most(NOTE_MAX)])
    position = TextAreaField("Current position", validators=[_at_most(POSITION_MAX)])
    next_step = StringField("Next step", validators=[_at_most(NEXT_STEP_MAX)])
    next_step_due = DateField(
        "Date of the next step",
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    responsible = CheckboxListField("Responsible", coerce=int, validate_choice=False)
    version = HiddenField()
