"""Forms of obligations: an obligation, an extension request, a report received, the filters."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from outreach.directory.forms import choices
from outreach.obligations.models import ExtensionStatus, ObligationStatus, ReportKind

STATUS_CHOICES = [(s.value, s.label) for s in ObligationStatus]
EXTENSION_CHOICES = [(s.value, s.label) for s in ExtensionStatus]


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


ARTICLE_CHOICES = [("3", "Article 3 — stockpile destruction"), ("4", "Article 4 — clearance")]
KIND_CHOICES = [(ReportKind.INITIAL.value, "Initial report"), (ReportKind.ANNUAL.value, "Annual")]
DATE_MESSAGE = "Enter a date as YYYY-MM-DD, such as 2026-04-30."


def _date(label: str) -> DateField:
    return DateField(label, validators=[Optional()], render_kw={"autocomplete": "off"})


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


class DatesForm(FlaskForm):
    """A form whose date fields say in words what a valid date looks like."""

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, DateField) and field.errors:
                field.errors = [DATE_MESSAGE]
        return valid


class ObligationForm(DatesForm):
    """The editable values of an obligation."""

    original_deadline = _date("Original deadline")
    extended_deadline = _date("Extended deadline")
    status = SelectField("Status", choices=options(STATUS_CHOICES), validate_choice=False)
    completed_on = _date("Completed on")
    source = TextAreaField("Source", validators=[_at_most(5000)])
    notes = TextAreaField("Notes", validators=[_at_most(20000)])
    version = HiddenField()


class ExtensionForm(DatesForm):
    """An extension request and what was decided."""

    submitted_on = _date("Submitted on")
    requested_deadline = _date("Deadline requested")
    status = SelectField("Status", choices=options(EXTENSION_CHOICES), validate_choice=False)
    decided_at_meeting = StringField("Decided at meeting", validators=[_at_most(60)])
    decided_on = _date("Decided on")
    new_deadline = _date("New deadline granted")
    notes = TextAreaField("Notes", validators=[_at_most(20000)])
    version = HiddenField()


class ReportForm(DatesForm):
    """An Article 7 report received."""

    kind = SelectField("Report", choices=options(KIND_CHOICES), validate_choice=False)
    year = IntegerField(
        "Year covered",
        validators=[Optional(), NumberRange(1990, 2200, "Enter a year such as 2025.")],
    )
    received_on = DateField("Received on", validators=[Optional()], default=dt.date.today)
    notes = TextAreaField("Notes", validators=[_at_most(20000)])
    version = HiddenField()


class ObligationFilterForm(FlaskForm):
    """Article, status, region and the 24-month window, from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    article = SelectField("Article", choices=choices(ARTICLE_CHOICES, "Both articles"), default="")
    status = SelectField("Status", choices=choices(STATUS_CHOICES, "Any status"), default="")
    region = SelectField("Region", choices=[SelectChoice("", "Any region")], default="")
    due = BooleanField("Deadline within 24 months or passed (not completed)")


class ReportFilterForm(FlaskForm):
    """Year and received or not, from the query string."""

    class Meta:
        csrf = False

    year = SelectField("Year due", choices=[SelectChoice("", "Any year")], default="")
    received = SelectField(
        "Received",
        choices=choices([("yes", "Received"), ("no", "Not received")], "Received or not"),
        default="",
    )
