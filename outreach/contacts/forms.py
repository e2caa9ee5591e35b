"""Forms of the contacts pages: the list filters, the contact, postings, bulk actions, merge."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.contacts.services import HONORIFICS, SORT_LABELS
from outreach.directory.forms import choices
from outreach.directory.models import KIND_LABELS, LANGUAGES
from outreach.reference.models import CcmStatus


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ContactFilterForm(FlaskForm):
    """Search, filters and order of the contacts list, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField("Name, email, organisation or position")
    status = SelectField(
        "CCM status",
        choices=choices([(s.value, s.label) for s in CcmStatus], "Any status"),
        default="",
    )
    region = SelectField("Region", choices=choices([], "Any region"), default="")
    kind = SelectField(
        "Kind of organisation",
        choices=choices([(k.value, label) for k, label in KIND_LABELS.items()], "Any kind"),
        default="",
    )
    tag = SelectField("Tag", choices=choices([], "Any tag"), default="")
    language = SelectField(
        "Language", choices=choices(list(LANGUAGES.items()), "Any language"), default=""
    )
    area = SelectField("Expertise", choices=choices([], "Any area"), default="")
    dne = SelectField(
        "Do not email",
        choices=choices([("yes", "Do not email"), ("no", "May be emailed")], "Either"),
        default="",
    )
    sort = SelectField("Sort by", choices=options(list(SORT_LABELS.items())), default="last_name")
    archived = BooleanField("Include archived and erased")


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _honorific_choices(current: str = "") -> list[SelectChoice]:
    pairs = [("", "None")] + [(h, h) for h in HONORIFICS]
    if current and current not in HONORIFICS:
        pairs.append((current, current))  # a title imported from elsewhere stays choosable
    return options(pairs)


class ContactForm(FlaskForm):
    """A person's details; the first posting only when creating."""

    honorific = SelectField("Honorific", choices=_honorific_choices(), default="")
    first_name = StringField("First name(s)", validators=[Length(max=200)])
    last_name = StringField("Last name", validators=[Length(max=200)])
    emails = TextAreaField("Email addresses", validators=[Length(max=5000)])
    phones = TextAreaField("Phone numbers", validators=[Length(max=2000)])
    preferred_language = SelectField(
        "Preferred language", choices=options(list(LANGUAGES.items())), default="en"
    )
    do_not_email = BooleanField("Do not email this person")
    do_not_email_reason = StringField("Reason for not emailing", validators=[Length(max=300)])
    tags = StringField("Tags", validators=[Length(max=1000)])
    areas = CheckboxListField("Thematic areas of expertise", choices=[])
    keywords = StringField("Expertise keywords", validators=[Length(max=2000)])
    notes = TextAreaField("Notes", validators=[Length(max=20000)])
    version = HiddenField()
    # The first posting, on the creation form only.
    organisation_id = SelectField("Organisation", choices=[], default="", validate_choice=False)
    position = StringField("Position", validators=[Length(max=200)])
    start_date = DateField("Started on", validators=[Optional()])
    create_anyway = BooleanField("Create anyway: this is another person")

    def set_honorific_choices(self, current: str) -> None:
        """Offer the stored honorific even when it is not one of the usual ones."""
        self.honorific.choices = _honorific_choices(current)


class PostingForm(FlaskForm):
    """A new posting of a contact."""

    organisation_id = SelectField("Organisation", choices=[], default="", validate_choice=False)
    position = StringField("Position", validators=[Length(max=200)])
    start_date = DateField("Started on", validators=[Optional()])
    end_date = DateField("Ended on", validators=[Optional()])
    focal_point = BooleanField("Focal point of the organisation")


class EndPostingForm(FlaskForm):
    """The last day of a posting."""

    posting_id = HiddenField()
    end_date = DateField("Last day in the post", default=dt.date.today)


class MoveForm(FlaskForm):
    """A rotation: leave the current posting and take up another."""

    posting_id = SelectField("Leaves the posting", choices=[], validate_choice=False)
    moved_on = DateField("Starts the new posting on", default=dt.date.today)
    organisation_id = SelectField("New organisation", choices=[], default="", validate_choice=False)
    position = StringField("New position", validators=[Length(max=200)])
    focal_point = BooleanField("Focal point of the new organisation")


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MergeForm(FlaskForm):
    """The merge confirmation, with the versions previewed."""

    other_id = HiddenField()
    survivor_version = HiddenField()
    other_version = HiddenField()


BULK_ACTIONS = {
    "tag": "Add the tag",
    "untag": "Remove the tag",
    "archive": "Archive",
    "restore": "Restore",
}


class BulkForm(FlaskForm):
    """An action on the contacts ticked in the list."""

    action = SelectField("Action", choices=options(list(BULK_ACTIONS.items())))
    tag = StringField("Tag", validators=[Length(max=60)])
    back = HiddenField()
