"""Forms of a meeting's audience, its messages and their templates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from outreach.directory.forms import choices
from outreach.directory.models import KIND_LABELS
from outreach.invitations.audience import STATUS_PLURALS, status_choices
from outreach.invitations.messages import LANGUAGE_LABELS, PURPOSE_LABELS
from outreach.meetings.models import KIND_LABELS as MEETING_KIND_LABELS

PURPOSE_CHOICES = [SelectChoice(value, label) for value, label in PURPOSE_LABELS.items()]


class ContactSearchForm(FlaskForm):
    """Find contacts to add one by one (a GET form)."""

    class Meta:
        csrf = False  # a search changes nothing

    q = StringField("Name, email, organisation or position", validators=[Length(max=100)])


class AddContactsForm(FlaskForm):
    """The contacts ticked among the search results."""

    contact_ids = SelectMultipleField("Contacts to add", coerce=int, validate_choice=False)


class SegmentForm(FlaskForm):
    """Contacts chosen by what they are; every criterion given must hold."""

    status = SelectField(
        "CCM status of their State", choices=choices(status_choices(), "Any status"), default=""
    )
    region = SelectField("Region", choices=choices([], "Any region"), default="")
    kind = SelectField(
        "Kind of organisation",
        choices=choices([(k.value, label) for k, label in KIND_LABELS.items()], "Any kind"),
        default="",
    )
    tag = SelectField("Tag", choices=choices([], "Any tag"), default="")
    area = SelectField("Thematic area", choices=choices([], "Any area"), default="")
    keyword = StringField("Expertise keyword", validators=[Length(max=80)])
    focal_points = BooleanField("Only focal points (postings marked as the focal point)")

    def set_choices(
        self, regions: list[str], tags: list[tuple[str, str]], areas: list[tuple[str, str]]
    ) -> None:
        """Fill the lists that come from the database."""
        self.region.choices = choices([(r, r) for r in regions], "Any region")
        self.tag.choices = choices(tags, "Any tag")
        self.area.choices = choices(areas, "Any area")


class MissionsForm(FlaskForm):
    """States whose Permanent Mission is invited as one delegation through its focal points."""

    every = SelectField(
        "Every State of a status",
        choices=choices(
            [(status.value, f"All {plural}") for status, plural in STATUS_PLURALS.items()],
            "None: only the States chosen below",
        ),
        default="",
    )
    states = SelectMultipleField("States", choices=[], validate_choice=False)

    def set_states(self, states: list[tuple[str, str]]) -> None:
        """The States to choose from, as (ISO3, name)."""
        self.states.choices = [SelectChoice(code, name) for code, name in states]


class RemoveForm(FlaskForm):
    """Take one person out of the audience."""

    invitation_id = HiddenField()


class SendForm(FlaskForm):
    """Confirm "Send invitations"."""


class PreviewForm(FlaskForm):
    """Which message to preview, for whom (a GET form)."""

    class Meta:
        csrf = False  # a preview changes nothing

    purpose = SelectField("Message", choices=PURPOSE_CHOICES, default="invite")
    invitation = SelectField("As received by", choices=[], default="0", validate_choice=False)


class TestForm(FlaskForm):
    """Send the previewed message to oneself."""

    purpose = HiddenField()
    invitation = HiddenField()


class TemplateKindForm(FlaskForm):
    """The kind of meeting whose templates are listed (a GET form)."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Kind of meeting",
        choices=choices(
            [(kind.value, label) for kind, label in MEETING_KIND_LABELS.items()],
            "Every kind (the general texts)",
        ),
        default="",
    )


class TemplateForm(FlaskForm):
    """The subject and Markdown body of one message template."""

    subject = StringField("Subject", validators=[Length(max=300)])
    body = TextAreaField("Text (Markdown)", validators=[Length(max=20000)])
    version = HiddenField()


class DeleteTemplateForm(FlaskForm):
    """Drop a kind's own text so the general one applies again."""


def language_choices() -> list[SelectChoice]:
    """English, French, Spanish."""
    return [SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()]
