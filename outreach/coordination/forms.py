"""The filter form of the coordinators' dialogues list (a GET form that changes nothing)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField

from outreach.dialogues.models import DialogueStatus
from outreach.directory.forms import choices
from outreach.reference.models import CcmStatus

NOT_YET_PARTY_LABEL = "Signatories and States not party"


class DialogueFilterForm(FlaskForm):
    """Area, region, CCM status, dialogue status and staleness, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    area = SelectField("Thematic area", choices=[SelectChoice("", "Any area")], default="")
    region = SelectField("Region", choices=[SelectChoice("", "Any region")], default="")
    ccm_status = SelectField(
        "CCM status of the State",
        choices=choices(
            [("not_yet_party", NOT_YET_PARTY_LABEL)] + [(s.value, s.label) for s in CcmStatus],
            "Any CCM status",
        ),
        default="",
    )
    status = SelectField(
        "Dialogue status",
        choices=choices([(s.value, s.label) for s in DialogueStatus], "Any dialogue status"),
        default="",
    )
    stale = BooleanField("Stale dialogues only")
