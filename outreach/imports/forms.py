"""Forms of the import: the upload, the column mapping, the duplicate choice, undo."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, SelectField

from outreach.imports.fields import FIELDS, IGNORE, KINDS
from outreach.imports.services import ON_DUPLICATE, SKIP, UPDATE


class UploadForm(FlaskForm):
    """What the file holds, and the file."""

    kind = RadioField(
        "What does the file hold?",
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        default="contacts",
    )
    file = FileField("File", validators=[FileRequired("Choose a CSV or XLSX file.")])


class MappingForm(FlaskForm):
    """A field for each column of the file; built per file by `mapping_form`."""


def mapping_form(kind: str, count: int, initial: list[str] | None = None) -> MappingForm:
    """A form with one select per column (`column_0`, `column_1`, …)."""
    choices = [SelectChoice(IGNORE, "— leave out —")]
    choices += [SelectChoice(f.name, f.label) for f in FIELDS[kind]]

    class _Form(MappingForm):
        pass

    for index in range(count):
        setattr(
            _Form,
            f"column_{index}",
            SelectField(f"Column {index + 1}", choices=choices, validate_choice=True),
        )
    form = _Form()
    if initial is not None and not form.is_submitted():
        for index, name in enumerate(initial):
            form[f"column_{index}"].data = name
    return form


def chosen_mapping(form: MappingForm, count: int) -> list[str]:
    """The field chosen for each column."""
    return [form[f"column_{index}"].data or IGNORE for index in range(count)]


class ImportForm(FlaskForm):
    """Skip or update the duplicates, then import."""

    on_duplicate = RadioField(
        "Rows that match a record already in Outreach",
        choices=[
            SelectChoice(SKIP, "Skip them: keep the records as they are"),
            SelectChoice(
                UPDATE, "Update the records with the file's non-empty cells (lists are added to)"
            ),
        ],
        default=SKIP,
    )

    def validate_on_duplicate(self, field: RadioField) -> None:
        """Only the two choices."""
        if field.data not in ON_DUPLICATE:
            raise ValueError("Choose skip or update.")


class UndoForm(FlaskForm):
    """The CSRF token of the Undo button."""
