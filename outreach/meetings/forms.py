"""Forms of meetings: the meeting itself (times in its own zone), cancelling, the list filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional

from outreach.directory.forms import choices
from outreach.meetings.models import MeetingKind

KIND_CHOICES = [(k.value, k.label) for k in MeetingKind]
STATUS_CHOICES = [("scheduled", "Scheduled"), ("draft", "Draft (dates not final)")]
OTHER_ZONE = "other"
# The zones the ISU meets in most; any other IANA name can be typed.
COMMON_ZONES = [
    "Europe/Zurich",
    "Europe/London",
    "Europe/Oslo",
    "Europe/Zagreb",
    "Europe/Vienna",
    "America/New_York",
    "America/Costa_Rica",
    "America/Mexico_City",
    "Africa/Lusaka",
    "Africa/Nairobi",
    "Asia/Beirut",
    "Asia/Vientiane",
    "Asia/Bangkok",
    "Asia/Manila",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "UTC",
]
DATE_MESSAGE = "Enter a date as YYYY-MM-DD, such as 2026-09-15."
TIME_MESSAGE = "Enter a time as HH:MM, such as 10:00."


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit + 1} characters.")


def _date(label: str) -> DateField:
    return DateField(label, validators=[Optional()], render_kw={"autocomplete": "off"})


def _time(label: str) -> TimeField:
    return TimeField(label, validators=[Optional()], render_kw={"autocomplete": "off"})


class MeetingForm(FlaskForm):
    """The editable values of a meeting; dates and times are read in the chosen zone."""

    kind = SelectField(
        "Kind", choices=[SelectChoice(v, label) for v, label in KIND_CHOICES], validate_choice=False
    )
    code = StringField("Code", validators=[_at_most(30)])
    title = StringField("Title", validators=[_at_most(300)])
    status = SelectField(
        "Status",
        choices=[SelectChoice(v, label) for v, label in STATUS_CHOICES],
        default="scheduled",
    )
    start_date = _date("Start date")
    start_time = _time("Start time")
    end_date = _date("End date")
    end_time = _time("End time")
    timezone = SelectField(
        "Time zone",
        choices=[SelectChoice(z, z) for z in COMMON_ZONES]
        + [SelectChoice(OTHER_ZONE, "Another zone…")],
        default="Europe/Zurich",
        validate_choice=False,
    )
    timezone_other = StringField("Another time zone", validators=[_at_most(64)])
    venue = StringField("Venue", validators=[_at_most(300)])
    room = StringField("Room", validators=[_at_most(120)])
    online_url = StringField("Online link", validators=[_at_most(500)])
    description = TextAreaField("Description", validators=[_at_most(20000)])
    organiser_email = EmailField("Organiser mailbox", validators=[_at_most(254)])
    rsvp_deadline = _date("Answer by")
    capacity = IntegerField(
        "Capacity",
        validators=[Optional(), NumberRange(1, 100_000, "Enter a number from 1 to 100000.")],
    )
    public = BooleanField("Public: listed in the public calendar feed")
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, TimeField) and field.errors:
                field.errors = [TIME_MESSAGE]
            elif isinstance(field, DateField) and field.errors:
                field.errors = [DATE_MESSAGE]
        return valid

    @property
    def zone_name(self) -> str:
        """The zone chosen or typed."""
        if self.timezone.data == OTHER_ZONE:
            return (self.timezone_other.data or "").strip()
        return self.timezone.data or ""


class CancelForm(FlaskForm):
    """Confirm a cancellation."""

    version = HiddenField()


class MeetingFilterForm(FlaskForm):
    """Kind and year, from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    kind = SelectField("Kind", choices=choices(KIND_CHOICES, "Any kind"), default="")
    year = SelectField("Year", choices=[SelectChoice("", "Any year")], default="")
