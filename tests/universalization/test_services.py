"""Engagement stages: moves keep their history, only non-party States move, a deposit makes a
State Party with entry into force per Article 17, and a stale version is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.dialogues.models import Dialogue
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.reference.models import CcmStatus, StatusEvent
from outreach.universalization import services
from outreach.universalization.models import Engagement, Stage, StageEvent
from tests.universalization.conftest import move, state

TODAY = dt.date(2026, 11, 28)


def test_a_state_without_a_recorded_stage_has_no_engagement(app: Any) -> None:
    assert services.engagement_of(state("IDN")) is None


def test_moves_keep_the_history_with_who_when_and_why(app: Any, staff: Any) -> None:
    move("IDN", "first_contact", dt.date(2026, 1, 5), "Call with the mission", staff)
    engagement = move("IDN", "considering", dt.date(2026, 6, 1), "Capital studies it", staff)

    assert (engagement.stage, engagement.since) == (Stage.CONSIDERING, dt.date(2026, 6, 1))
    history = services.stage_history(state("IDN"))
    assert [(e.old_stage, e.new_stage, e.note) for e in history] == [
        (Stage.FIRST_CONTACT, Stage.CONSIDERING, "Capital studies it"),
        (None, Stage.FIRST_CONTACT, "Call with the mission"),
    ]
    assert {e.user_id for e in history} == {staff.id}
    assert history[0].actor_label == staff.email
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Engagement)) == 1


def test_since_defaults_to_today(app: Any) -> None:
    assert move("IDN", "engaged").since == dt.date.today()


def test_a_state_party_has_no_stage(app: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        move("LAO", "engaged")

    assert "LAO" not in refused.value.errors["stage"]
    assert "Lao" in refused.value.errors["stage"] and "State Party" in refused.value.errors["stage"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent)) == 0


def test_withdrawn_and_not_party_states_move(app: Any) -> None:
    assert state("LTU").ccm_status == CcmStatus.WITHDRAWN
    assert move("LTU", "engaged").stage == Stage.ENGAGED  # Lithuania withdrew in 2025
    assert move("USA", "first_contact").stage == Stage.FIRST_CONTACT


def test_a_future_date_is_refused(app: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        move("IDN", "engaged", dt.date.today() + dt.timedelta(days=1))

    assert refused.value.errors == {"since": "The date cannot be in the future."}
    assert services.engagement_of(state("IDN")) is None


def test_a_date_before_the_current_stage_began_is_refused(app: Any) -> None:
    move("IDN", "engaged", dt.date(2026, 3, 1))

    with pytest.raises(ValidationError) as refused:
        move("IDN", "considering", dt.date(2026, 2, 1))

    assert "1 Mar 2026" in refused.value.errors["since"]


def test_moving_to_the_same_stage_is_refused(app: Any) -> None:
    move("IDN", "engaged")

    with pytest.raises(ValidationError) as refused:
        move("IDN", "engaged")
    assert refused.value.errors["stage"] == "Indonesia is already at “Engaged”."

    with pytest.raises(ValidationError):
        move("MMR", "no_contact")  # no stage recorded means no contact


def test_instrument_deposited_goes_through_the_deposit(app: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        move("IDN", "instrument_deposited")

    assert "Record the deposit" in refused.value.errors["stage"]
    assert state("IDN").ccm_status == CcmStatus.SIGNATORY


def test_an_unknown_stage_is_refused(app: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        move("IDN", "ratified\x00")

    assert refused.value.errors == {"stage": "Choose a stage."}


def test_a_move_based_on_an_old_version_is_refused(app: Any) -> None:
    first = move("IDN", "first_contact", dt.date(2026, 1, 5))
    read_version = first.version
    move("IDN", "engaged", dt.date(2026, 2, 5))

    with pytest.raises(ConflictError):
        services.move_stage(state("IDN"), "considering", expected_version=read_version)
    with pytest.raises(ConflictError):  # read before anyone recorded a stage
        services.move_stage(state("IDN"), "considering", expected_version=0)

    assert services.engagement_of(state("IDN")).stage == Stage.ENGAGED
    moved = services.move_stage(state("IDN"), "considering", expected_version=read_version + 1)
    assert moved.stage == Stage.CONSIDERING


def test_a_move_does_not_create_or_change_the_dialogue(app: Any) -> None:
    move("IDN", "considering")

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dialogue)) == 0


def deposit(iso3: str, day: dt.date, kind: str, source: str = "C.N.123.2026.TREATIES-XXVI.6"):
    return services.record_deposit(
        state(iso3), services.Deposit(day, kind, source, ""), today=TODAY
    )


def test_a_deposit_makes_a_state_party_in_force_per_article_17(app: Any, staff: Any) -> None:
    move("IDN", "domestic_process", dt.date(2026, 9, 1))

    engagement = deposit("IDN", dt.date(2026, 11, 10), "ratification")

    indonesia = state("IDN")
    assert indonesia.ccm_status == CcmStatus.STATE_PARTY
    assert indonesia.consent_date == dt.date(2026, 11, 10)
    assert indonesia.entry_into_force_date == dt.date(2027, 5, 1)
    assert (engagement.stage, engagement.since) == (
        Stage.INSTRUMENT_DEPOSITED,
        dt.date(2026, 11, 10),
    )
    events = db.session.scalars(
        sa.select(StatusEvent).where(StatusEvent.state_id == indonesia.id)
    ).all()
    changes = {(e.field, e.new_value, e.source) for e in events}
    assert ("ccm_status", "state_party", "C.N.123.2026.TREATIES-XXVI.6") in changes
    assert ("entry_into_force_date", "2027-05-01", "C.N.123.2026.TREATIES-XXVI.6") in changes
    history = services.stage_history(indonesia)
    assert (history[0].old_stage, history[0].new_stage) == (
        Stage.DOMESTIC_PROCESS,
        Stage.INSTRUMENT_DEPOSITED,
    )
    with pytest.raises(ValidationError):  # now a State Party: no more moves
        move("IDN", "engaged")


def test_a_state_that_never_signed_accedes(app: Any) -> None:
    assert state("MMR").signature_date is None

    with pytest.raises(ValidationError) as refused:
        deposit("MMR", dt.date(2026, 11, 10), "ratification")

    assert "accession" in refused.value.errors["consent_type"]
    assert state("MMR").ccm_status == CcmStatus.NOT_PARTY
    assert services.engagement_of(state("MMR")) is None
    assert deposit("MMR", dt.date(2026, 11, 10), "accession").stage == Stage.INSTRUMENT_DEPOSITED
    assert state("MMR").ccm_status == CcmStatus.STATE_PARTY


def test_a_refused_deposit_changes_nothing(app: Any) -> None:
    move("IDN", "considering", dt.date(2026, 5, 1))

    with pytest.raises(ValidationError) as refused:
        deposit("IDN", dt.date(2026, 11, 10), "ratification", source="  ")
    assert "source" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        deposit("IDN", TODAY + dt.timedelta(days=1), "ratification")
    assert refused.value.errors["consent_date"] == "The date cannot be in the future."
    with pytest.raises(ValidationError) as refused:
        deposit("IDN", dt.date(2008, 12, 2), "ratification")
    assert "opened for signature" in refused.value.errors["consent_date"]

    db.session.expire_all()
    assert services.engagement_of(state("IDN")).stage == Stage.CONSIDERING
    assert state("IDN").ccm_status == CcmStatus.SIGNATORY
    assert len(services.stage_history(state("IDN"))) == 1


def test_a_deposit_cannot_predate_the_signature(app: Any) -> None:
    move("CYP", "engaged", dt.date(2026, 5, 1))  # Cyprus signed on 23 Sep 2009

    with pytest.raises(ValidationError) as refused:  # record_consent's own rule, rolled back
        deposit("CYP", dt.date(2009, 9, 22), "ratification")

    assert "before the signature" in refused.value.errors["consent_date"]
    db.session.expire_all()
    assert services.engagement_of(state("CYP")).stage == Stage.ENGAGED
    assert len(services.stage_history(state("CYP"))) == 1


def test_a_state_party_cannot_deposit_again(app: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        deposit("LAO", dt.date(2026, 11, 10), "accession")

    assert "already a State Party" in refused.value.errors["consent_date"]


@pytest.mark.parametrize(
    ("since", "said"),
    [
        (TODAY, "less than a day"),
        (TODAY - dt.timedelta(days=1), "1 day"),
        (TODAY - dt.timedelta(days=13), "13 days"),
        (TODAY - dt.timedelta(days=20), "2 weeks"),
        (dt.date(2026, 8, 28), "3 months"),
        (dt.date(2026, 8, 29), "2 months"),
        (dt.date(2025, 11, 28), "12 months"),
        (dt.date(2023, 1, 1), "3 years"),
    ],
)
def test_time_in_stage_reads_as_people_say_it(since: dt.date, said: str) -> None:
    assert services.time_in_stage(since, TODAY) == said


def test_the_board_puts_each_state_in_its_stage(app: Any) -> None:
    move("IDN", "considering", dt.date(2026, 8, 28))
    deposit("MMR", dt.date(2026, 11, 10), "accession")

    columns = services.board(services.BoardFilters(), today=TODAY)

    assert [c.stage for c in columns] == list(Stage)
    by_stage = {c.stage: {e.state.iso3: e for e in c.entries} for c in columns}
    assert by_stage[Stage.CONSIDERING]["IDN"].time_in_stage == "3 months"
    assert by_stage[Stage.INSTRUMENT_DEPOSITED].keys() == {"MMR"}
    assert "USA" in by_stage[Stage.NO_CONTACT]
    assert not by_stage[Stage.NO_CONTACT]["USA"].recorded
    assert "LAO" not in {iso3 for stage in by_stage.values() for iso3 in stage}
    # 12 signatories, 72 States not party, 1 withdrawn; Myanmar is still shown after joining.
    assert sum(len(c.entries) for c in columns) == 85


def test_a_deposit_leaves_the_board_after_a_year(app: Any) -> None:
    deposit("MMR", dt.date(2026, 11, 10), "accession")

    later = services.board_entries(services.BoardFilters(), today=dt.date(2027, 11, 11))

    assert "MMR" not in {e.state.iso3 for e in later}
