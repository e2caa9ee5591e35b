"""Filter forms of the directory lists."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from outreach.reference.models import CcmStatus


def choices(pairs: list[tuple[str, str]], empty: str) -> list[SelectChoice]:
    """Select options from (value, label) pairs, led by an empty choice."""
    return [SelectChoice("", empty)] + [SelectChoice(value, label) for value, label in pairs]


class StateFilterForm(FlaskForm):
    """Status, region and a name search, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField("Name or code")
    status = SelectField(
        "CCM status",
        choices=choices([(s.value, s.label) for s in CcmStatus], "Any status"),
        default="",
    )
    region = SelectField("Region", choices=[SelectChoice("", "Any region")], default="")
    sort = SelectField(
        "Sort by",
        choices=[
            SelectChoice(value, label)
            for value, label in (
                ("name", "Name"),
                ("status", "Status"),
                ("region", "Region"),
                ("signature", "Signature date"),
                ("consent", "Consent date"),
                ("entry_into_force", "Entry into force"),
            )
        ],
        default="name",
    )
