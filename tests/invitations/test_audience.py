"""The audience of a meeting: adding people one by one, by segment and as States' delegations,
never twice, and the preview of who receives the messages and who is left out, and why (F7)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.invitations import audience
from outreach.invitations.audience import LeftOut, Missions, Segment
from outreach.invitations.models import Invitation
from tests import factories
from tests.invitations.conftest import focal_point, mission


def _invited(meeting) -> dict[str, Invitation]:
    return {inv.contact.full_name: inv for inv in audience.audience_of(meeting)}


def test_the_focal_points_of_all_states_parties_missions_are_invited_as_delegations(app, missions):
    meeting = factories.make_future_meeting()

    report = audience.add_missions(meeting, Missions(status="state_party"))

    invited = _invited(meeting)
    assert set(invited) == {"Anna Huber", "Claire Martin", "Luc Bernard", "Lucía García"}
    assert invited["Claire Martin"].delegation_state.iso3 == "FRA"
    assert invited["Lucía García"].delegation_state.iso3 == "MEX"
    assert {inv.added_as for inv in invited.values()} == {"States Parties — mission focal points"}
    assert report.added == 4
    # Every other State Party has no mission on record: the report says so.
    assert "Austria" not in report.without_focal_point
    assert "Germany" in report.without_focal_point


def test_one_states_mission_is_invited_and_named_in_how_it_was_added(app, missions):
    meeting = factories.make_future_meeting()

    report = audience.add_missions(meeting, Missions(states=("idn",)))

    assert report.added == 1 and report.without_focal_point == []
    invitation = _invited(meeting)["Sari Wibowo"]
    assert invitation.added_as == "Mission of Indonesia — focal points"
    assert invitation.delegation_state.iso3 == "IDN"


def test_a_posting_that_ended_or_is_not_the_focal_point_is_not_invited(app):
    meeting = factories.make_future_meeting()
    aut = mission("AUT", "Permanent Mission of Austria")
    factories.make_contact("Gruber", "Paul", organisation=aut, emails=["p@aut.example"])
    gone = focal_point(aut, "Bauer", "Eva", "eva@aut.example")
    with acting_as("test"):
        gone.postings[0].end_date = gone.postings[0].start_date
        db.session.commit()

    report = audience.add_missions(meeting, Missions(states=("AUT",)))

    assert report.added == 0 and report.without_focal_point == ["Austria"]


def test_adding_the_same_people_twice_never_duplicates_them(app, missions):
    meeting = factories.make_future_meeting()
    audience.add_contacts(meeting, [missions.austria[0].id])

    report = audience.add_missions(meeting, Missions(status="state_party"))
    again = audience.add_missions(meeting, Missions(status="state_party"))

    assert (report.added, report.already) == (3, 1)
    assert (again.added, again.already) == (0, 4)
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Invitation)
        .where(Invitation.meeting_id == meeting.id)
    )
    assert count == 4
    # Added one by one first, that is how the preview explains Anna's presence.
    assert _invited(meeting)["Anna Huber"].added_as == "One by one"


def test_a_segment_combines_status_region_kind_and_focal_points_on_one_posting(app, missions):
    meeting = factories.make_future_meeting()
    ngo = factories.make_organisation("Austrian Campaign", "ngo", state_iso3="AUT")
    factories.make_contact("Ngo", "Nina", organisation=ngo, emails=["nina@ngo.example"])

    audience.add_segment(
        meeting,
        Segment(status="state_party", region="Europe", kind="permanent_mission", focal_points=True),
    )

    invited = _invited(meeting)
    assert set(invited) == {"Anna Huber", "Claire Martin", "Luc Bernard"}
    assert invited["Anna Huber"].added_as == (
        "States Parties · Europe · Permanent mission · focal points"
    )
    assert invited["Anna Huber"].delegation_state is None


def test_a_segment_by_tag_area_and_expertise(app):
    meeting = factories.make_future_meeting()
    expert = factories.make_contact(
        "Expert",
        "Ela",
        emails=["ela@example.org"],
        tags=["3RC"],
        area_slugs=["clearance"],
        keywords=["non-technical survey"],
    )
    factories.make_contact("Other", "Otto", emails=["otto@example.org"], tags=["3RC"])

    audience.add_segment(meeting, Segment(tag="3rc", area="clearance"))
    audience.add_segment(meeting, Segment(keyword="Non-Technical Survey"))

    assert [inv.contact_id for inv in audience.audience_of(meeting)] == [expert.id]


@pytest.mark.parametrize(
    ("segment", "field"),
    [
        (Segment(), "status"),
        (Segment(status="allies"), "status"),
        (Segment(kind="embassy"), "kind"),
        (Segment(region="Atlantis"), "region"),
        (Segment(tag="no-such-tag"), "tag"),
        (Segment(area="astrology"), "area"),
        (Segment(keyword="alchemy"), "keyword"),
    ],
)
def test_a_bad_segment_gets_a_message_for_its_field(app, segment, field):
    with pytest.raises(ValidationError) as error:
        audience.add_segment(factories.make_future_meeting(), segment)

    assert field in error.value.errors


def test_adding_contacts_one_by_one_ignores_merged_and_erased_ones(app):
    meeting = factories.make_future_meeting()
    kept = factories.make_contact("Kept", "Kim", emails=["kim@example.org"])
    erased = factories.make_contact("Gone", "Gil", emails=["gil@example.org"])
    with acting_as("test"):
        erased.erased_at = utcnow()
        db.session.commit()

    report = audience.add_contacts(meeting, [kept.id, erased.id, 999_999])

    assert report.added == 1
    with pytest.raises(ValidationError):
        audience.add_contacts(meeting, [])


def test_f7_the_preview_leaves_out_the_opted_out_erased_archived_bounced_and_addressless(app):
    meeting = factories.make_future_meeting()
    ok = factories.make_contact("Able", "Ada", emails=["ada@example.org"], preferred_language="fr")
    opted_out = factories.make_contact("Busy", "Bo", emails=["bo@example.org"], do_not_email=True)
    erased = factories.make_contact("Clear", "Cy", emails=["cy@example.org"])
    archived = factories.make_contact("Dusty", "Di", emails=["di@example.org"])
    bounced = factories.make_contact("Echo", "Ed", emails=["ed@example.org"])
    second = factories.make_contact(
        "Fallback", "Fay", emails=["old@example.org", "fay@example.org"]
    )
    nowhere = factories.make_contact("Ghost", "Gus")
    organiser = factories.make_contact("Host", "Hal", emails=["ISU@ccm.example"])
    audience.add_contacts(
        meeting,
        [c.id for c in (ok, opted_out, erased, archived, bounced, second, nowhere, organiser)],
    )
    with acting_as("test"):
        erased.erased_at = utcnow()
        archived.archived_at = utcnow()
        bounced.emails[0].bounced_at = utcnow()
        second.emails[0].bounced_at = utcnow()
        db.session.commit()

    found = audience.preview(meeting)

    reasons = {row.contact.last_name: row.delivery.reason for row in found.left_out}
    assert reasons == {
        "Busy": LeftOut.DO_NOT_EMAIL,
        "Clear": LeftOut.ERASED,
        "Dusty": LeftOut.ARCHIVED,
        "Echo": LeftOut.BOUNCED,
        "Ghost": LeftOut.NO_EMAIL,
        "Host": LeftOut.ORGANISER,
    }
    included = {
        row.contact.last_name: (row.delivery.address, row.language) for row in found.included
    }
    # A bounced first address: the second one is tried.
    assert included == {"Able": ("ada@example.org", "fr"), "Fallback": ("fay@example.org", "en")}
    assert dict(found.reasons)[LeftOut.ERASED] == 1


def test_contacts_are_found_by_name_to_add_one_by_one(app):
    factories.make_contact("Dupont", "Marie", emails=["marie@example.org"])
    factories.make_contact("Durand", "Paul", emails=["paul@example.org"])

    assert [c.last_name for c in audience.find_contacts("dupont")] == ["Dupont"]
    assert audience.find_contacts("") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) >= 2


@pytest.mark.parametrize(
    ("missions", "field"),
    [
        (Missions(states=("FR\x00",)), "states"),
        (Missions(states=("XYZ",)), "states"),
        (Missions(), "states"),
    ],
)
def test_unknown_or_broken_state_codes_are_refused(app, missions, field):
    with pytest.raises(ValidationError) as error:
        audience.add_missions(factories.make_future_meeting(), missions)

    assert field in error.value.errors


def test_a_nul_character_in_a_segment_is_refused(app):
    with pytest.raises(ValidationError) as error:
        audience.add_segment(factories.make_future_meeting(), Segment(region="Eur\x00ope"))

    assert "NUL" in error.value.errors["region"]
