"""Filter forms of the directory lists."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from outreach.reference.models import CcmStatus


class StateFilterForm(FlaskForm):
    """Status, region and a name search, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField("Name or code")
    status = SelectField(
        "CCM status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in CcmStatus],
        default="",
    )
    region = SelectField("Region", choices=[("", "Any region")], default="")
    sort = SelectField(
        "Sort by",
        choices=[
            ("name", "Name"),
            ("status", "Status"),
            ("region", "Region"),
            ("signature", "Signature date"),
            ("consent", "Consent date"),
            ("entry_into_force", "Entry into force"),
        ],
        default="name",
    )
