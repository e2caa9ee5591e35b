"""Forms of answers (the invitee's, and staff's record of one given by phone or letter),
unsubscribing, revoking links and the calendar feed. Labels are set in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from outreach.directory.errors import ValidationError
from outreach.invitations.models import Answer, AnswerChannel, Invitation, Sponsorship
from outreach.rsvp.services import ANSWERS, MAX_DELEGATES, AnswerData, DelegateData
from outreach.rsvp.texts import Translate, translator

# Empty rows offered for the delegation; "Add more rows" adds as many again (no script needed).
EMPTY_ROWS = 3
ANSWER_CHOICES = [
    ("attending", "Yes, I will attend"),
    ("maybe", "Maybe, I will confirm later"),
    ("declined", "No, I will not attend"),
]
STAFF_CHANNELS = [c for c in AnswerChannel if c is not AnswerChannel.LINK]


class DelegateForm(Form):
    """One member of the delegation (part of the answer form, which carries the CSRF token)."""

    name = StringField("Name", render_kw={"autocomplete": "off"})
    title = StringField("Title or position", render_kw={"autocomplete": "off"})
    email = EmailField("Email", render_kw={"autocomplete": "off", "spellcheck": "false"})


class AnswerForm(FlaskForm):
    """The invitee's answer."""

    answer = RadioField(
        "Will you attend?",
        choices=[SelectChoice(v, label) for v, label in ANSWER_CHOICES],
        validate_choice=False,
    )
    delegates = FieldList(FormField(DelegateForm), max_entries=MAX_DELEGATES)
    sponsorship_requested = BooleanField("I request sponsorship for this meeting")
    sponsorship_note = TextAreaField("About the request", render_kw={"rows": 3})
    comments = TextAreaField("Comments or questions", render_kw={"rows": 4})
    more = SubmitField("Add more rows")

    choice_labels = ANSWER_CHOICES

    def translate(self, _: Translate) -> None:
        """Put every label in the reader's language (again after rows were added)."""
        fields = [self.answer, self.sponsorship_requested, self.sponsorship_note, self.comments]
        for field in [*fields, self.more]:
            field.label.text = _(field.label.text)
        self.answer.choices = [SelectChoice(v, _(label)) for v, label in self.choice_labels]
        for entry in self.delegates:
            for field in entry.form:
                field.label.text = _(field.label.text)

    def add_rows(self) -> None:
        """Offer empty rows after those shown, within the limit."""
        wanted = min(MAX_DELEGATES, len(self.delegates.entries) + EMPTY_ROWS)
        while len(self.delegates.entries) < wanted:
            self.delegates.append_entry()

    def data_for_service(self) -> AnswerData:
        """The typed values, as the service takes them."""
        return AnswerData(
            answer=self.answer.data or "",
            delegates=[_row(entry.form) for entry in self.delegates],
            sponsorship_requested=bool(self.sponsorship_requested.data),
            sponsorship_note=self.sponsorship_note.data or "",
            comments=self.comments.data or "",
        )

    def show_errors(self, error: ValidationError, _: Translate) -> None:
        """Each message of the service next to its field, in the reader's language."""
        for name, message in error.errors.items():
            target = self._field_named(name)
            target.errors = [*list(target.errors), _(message)]

    def error_list(self, _: Translate) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every error, rows of the delegation included."""
        found = []
        for field in self:
            if field is self.delegates:
                for number, entry in enumerate(field.entries, start=1):
                    member = _("Member {number}", number=number)
                    found += [
                        (sub.id, f"{sub.label.text} ({member})", message)
                        for sub in entry.form
                        for message in sub.errors
                    ]
            elif isinstance(field.errors, list | tuple):
                target = f"{field.id}-0" if field is self.answer else field.id
                found += [(target, field.label.text, message) for message in field.errors]
        return found

    def _field_named(self, name: str) -> Any:
        # "delegates-2-email" names a field of the third row.
        prefix, _sep, rest = name.partition("-")
        if prefix == "delegates" and rest:
            index, _sep, part = rest.partition("-")
            entries = self.delegates.entries
            if index.isdigit() and int(index) < len(entries) and part in entries[0].form:
                return entries[int(index)].form[part]
        return getattr(self, name, None) if name in self else self.answer


class RecordAnswerForm(AnswerForm):
    """Staff record an answer given by phone, letter, email or in person."""

    choice_labels = [(a.value, a.label) for a in ANSWERS]
    answer = RadioField(
        "Answer",
        choices=[SelectChoice(a.value, a.label) for a in ANSWERS],
        validate_choice=False,
    )
    channel = SelectField(
        "How the answer was given",
        choices=[SelectChoice(c.value, c.label) for c in STAFF_CHANNELS],
        validate_choice=False,
    )
    send_confirmation = BooleanField("Send the confirmation email to the invitee")
    version = HiddenField()

    def channel_value(self) -> str:
        """The chosen channel, never the personal link."""
        values = {c.value for c in STAFF_CHANNELS}
        return self.channel.data if self.channel.data in values else AnswerChannel.PHONE.value


class ConfirmForm(FlaskForm):
    """A button that changes something (unsubscribe, revoke links, feeds): the CSRF token."""


def _row(form: Form) -> DelegateData:
    return DelegateData(
        name=form["name"].data or "", title=form["title"].data or "", email=form["email"].data or ""
    )


def answer_values(invitation: Invitation) -> dict[str, Any]:
    """The recorded answer as the form's initial data."""
    delegates = [{"name": d.name, "title": d.title, "email": d.email} for d in invitation.delegates]
    return {
        "answer": None if invitation.answer is Answer.PENDING else invitation.answer.value,
        "delegates": delegates,
        "sponsorship_requested": invitation.sponsorship is Sponsorship.REQUESTED,
        "sponsorship_note": invitation.sponsorship_note,
        "comments": invitation.comments,
    }


def answer_form(
    form_class: type[AnswerForm], invitation: Invitation, language: str, posted: bool
) -> AnswerForm:
    """The form as submitted, or filled with the recorded answer, labelled in the language."""
    if posted:
        form = form_class()
    else:
        values = answer_values(invitation)
        if form_class is RecordAnswerForm:
            values["version"] = invitation.version
        form = form_class(formdata=None, data=values)
        form.add_rows()
    form.translate(translator(language))
    return form
