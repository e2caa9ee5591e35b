"""Forms of the universalization pages: moving a State to a stage, recording a deposit, the
board's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from outreach.directory.forms import choices
from outreach.reference.models import CcmStatus, ConsentType
from outreach.universalization.services import MOVABLE_STAGES, NOTE_MAX, SOURCE_MAX

STAGE_CHOICES = [SelectChoice(stage.value, stage.label) for stage in MOVABLE_STAGES]
CONSENT_CHOICES = [(kind.value, kind.value.capitalize()) for kind in ConsentType]
STATUS_CHOICES = [(status.value, status.label) for status in CcmStatus]


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


class StageForm(FlaskForm):
    """Move a State to another stage; the service checks the values."""

    stage = SelectField("Move to stage", choices=STAGE_CHOICES, validate_choice=False)
    since = DateField("Since", validators=[Optional()])
    note = StringField("Note", validators=[_at_most(NOTE_MAX)])
    version = HiddenField()


class DepositForm(FlaskForm):
    """A deposited instrument of ratification, acceptance, approval or accession."""

    consent_date = DateField("Date of deposit", validators=[Optional()])
    consent_type = SelectField(
        "Type of instrument",
        choices=choices(CONSENT_CHOICES, "Choose a type"),
        validate_choice=False,
        default="",
    )
    source = StringField("Source", validators=[_at_most(SOURCE_MAX)])
    note = TextAreaField("Note", validators=[_at_most(NOTE_MAX)])
    version = HiddenField()


class BoardFilterForm(FlaskForm):
    """Region and CCM status of the board, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    region = SelectField("Region", choices=[SelectChoice("", "Any region")], default="")
    status = SelectField("CCM status", choices=choices(STATUS_CHOICES, "Any status"), default="")
