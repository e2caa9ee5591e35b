"""Forms of organisations: the record itself, the list's filters and its bulk actions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length

from outreach.directory.forms import choices
from outreach.directory.models import KIND_LABELS
from outreach.reference.models import CcmStatus

KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


class OrganisationForm(FlaskForm):
    """An organisation's editable values; the service checks them and says what is wrong."""

    name = StringField("Name", validators=[_at_most(300)])
    acronym = StringField("Acronym", validators=[_at_most(40)])
    # Choices are checked by the service, whose messages say what to do.
    kind = SelectField(
        "Kind", choices=choices(KIND_CHOICES, "Choose a kind"), validate_choice=False
    )
    state = SelectField(
        "State", choices=[SelectChoice("", "No State")], validate_choice=False, default=""
    )
    address = TextAreaField("Address", validators=[_at_most(2000)])
    email = EmailField("General email", validators=[_at_most(254)])
    phone = StringField("Phone", validators=[_at_most(40)])
    website = URLField("Website", validators=[_at_most(500)])
    tags = StringField("Tags", validators=[_at_most(1000)])
    notes = TextAreaField("Notes", validators=[_at_most(20000)])
    version = HiddenField()


class OrganisationFilterForm(FlaskForm):
    """Search, kind, State, its status and region, tag and archived, from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField("Search")
    kind = SelectField("Kind", choices=choices(KIND_CHOICES, "Any kind"), default="")
    state = SelectField("State", choices=[SelectChoice("", "Any State")], default="")
    status = SelectField(
        "State's CCM status",
        choices=choices([(s.value, s.label) for s in CcmStatus], "Any status"),
        default="",
    )
    region = SelectField("Region", choices=[SelectChoice("", "Any region")], default="")
    tag = SelectField("Tag", choices=[SelectChoice("", "Any tag")], default="")
    archived = BooleanField("Include archived")


BULK_CHOICES = [
    ("tag", "Add a tag"),
    ("untag", "Remove a tag"),
    ("archive", "Archive"),
    ("restore", "Restore"),
]


class BulkActionForm(FlaskForm):
    """What to do with the organisations selected in the list."""

    # Ids of their own: the list's filter form, on the same page, has a "tag" field too.
    action = SelectField(
        "With the selected organisations",
        choices=choices(BULK_CHOICES, "Choose an action"),
        validate_choice=False,
        id="bulk-action",
    )
    tag = StringField("Tag to add or remove", validators=[_at_most(200)], id="bulk-tag")
