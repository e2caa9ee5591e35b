"""Deadlines in force, upcoming deadlines, the Article 7 reports due, and the seed."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.obligations import services
from outreach.obligations.models import (
    Article7Report,
    ExtensionStatus,
    Obligation,
    ObligationStatus,
    ReportKind,
)
from outreach.reference.services import seed
from tests.obligations.conftest import TODAY, obligation, record_report, set_values, state

D = dt.date


def test_the_seed_loads_every_shipped_obligation(app):
    rows = list(csv.DictReader(io.StringIO(services.obligation_rows_text())))
    assert len(rows) == 62
    query = sa.select(Obligation.article, sa.func.count()).group_by(Obligation.article)
    counts = {article: count for article, count in db.session.execute(query)}
    assert counts == {3: 42, 4: 20}
    croatia = obligation("HRV", 4)
    assert croatia.status == ObligationStatus.COMPLETED
    assert croatia.completed_on == D(2020, 7, 10)
    assert "ISU news" in croatia.source
    assert obligation("GBR", 4).status == ObligationStatus.UNKNOWN  # blank status cell


def test_seeding_twice_changes_nothing_and_keeps_staff_corrections(app):
    lao = obligation("LAO", 4)
    set_values(lao, extended_deadline=D(2025, 8, 1), notes="Granted at 2RC")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Obligation))
    with acting_as("command: seed"):
        report = seed()
    assert report.obligations_created == 0
    assert not report.changed
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Obligation)) == before
    lao = obligation("LAO", 4)
    assert lao.extended_deadline == D(2025, 8, 1)
    assert lao.notes == "Granted at 2RC"


def test_a_missing_obligation_comes_back_at_the_next_seed(app):
    with acting_as("test"):
        db.session.delete(obligation("LAO", 4))
        db.session.commit()
    with acting_as("command: seed"):
        assert seed().obligations_created == 1
    assert obligation("LAO", 4).original_deadline == D(2020, 8, 1)


def test_the_deadline_in_force_is_the_extended_one_once_an_extension_is_granted(app):
    lao = obligation("LAO", 4)
    set_values(lao, extended_deadline=None)
    assert lao.deadline == D(2020, 8, 1)
    with acting_as("test"):
        services.add_extension_request(
            lao,
            services.ExtensionData(
                submitted_on=D(2025, 3, 1),
                requested_deadline=D(2030, 8, 1),
                status="granted",
                decided_at_meeting="13MSP",
                decided_on=D(2025, 9, 18),
                new_deadline=D(2030, 8, 1),
            ),
            today=TODAY,
        )
    assert lao.extended_deadline == D(2030, 8, 1)
    assert lao.deadline == D(2030, 8, 1)


def test_upcoming_deadlines_within_24_months_soonest_first_with_the_overdue_flagged(app):
    set_values(obligation("LAO", 4), extended_deadline=D(2028, 6, 15))  # the window's last day
    set_values(obligation("DEU", 4), extended_deadline=D(2030, 8, 1))  # beyond it
    set_values(obligation("GIN", 3), original_deadline=D(2026, 9, 1), extended_deadline=None)
    deadlines = services.upcoming_deadlines(today=TODAY)
    by_state = {(d.obligation.state.iso3, d.obligation.article): d for d in deadlines}
    assert by_state[("LAO", 4)].due_on == D(2028, 6, 15)
    assert not by_state[("LAO", 4)].overdue
    assert not by_state[("GIN", 3)].overdue
    assert ("DEU", 4) not in by_state
    assert ("HRV", 4) not in by_state  # completed
    assert by_state[("GBR", 4)].overdue  # 2020 deadline, blank status: not known to be done
    assert [d.due_on for d in deadlines] == sorted(d.due_on for d in deadlines)
    assert services.upcoming_deadlines(today=TODAY, months=1) == [
        d for d in deadlines if d.due_on <= D(2026, 7, 15)
    ]


def test_upcoming_deadlines_take_one_query(app, count_queries):
    with count_queries() as counter:
        deadlines = services.upcoming_deadlines(today=TODAY)
        names = [d.obligation.state.name for d in deadlines]
    assert names and counter.count == 1


def test_vanuatu_owes_its_initial_report_180_days_after_entry_into_force(app):
    vanuatu = state("VUT")
    assert vanuatu.entry_into_force_date == D(2026, 3, 1)
    assert services.expected_reports(vanuatu, today=D(2026, 8, 27)) == []
    [initial] = services.expected_reports(vanuatu, today=D(2026, 8, 28))
    assert (initial.kind, initial.year, initial.due_on) == (
        ReportKind.INITIAL,
        2026,
        D(2026, 8, 28),
    )
    assert not initial.overdue  # due today
    [initial] = services.expected_reports(vanuatu, today=D(2026, 8, 29))
    assert initial.overdue


def test_annual_reports_are_due_on_30_april_for_the_previous_year_from_the_year_after_eif(app):
    reports = services.expected_reports(state("VUT"), today=D(2027, 5, 1))
    assert [(r.kind, r.year, r.due_on) for r in reports] == [
        (ReportKind.ANNUAL, 2026, D(2027, 4, 30)),
        (ReportKind.INITIAL, 2026, D(2026, 8, 28)),
    ]
    assert services.expected_reports(state("VUT"), today=D(2027, 4, 29))[0].kind == "initial"


def test_reports_due_before_the_tracked_year_are_not_listed(app):
    lao = state("LAO")  # in force since 2010
    reports = services.expected_reports(lao, today=D(2027, 5, 1))
    assert [(r.year, r.due_on) for r in reports] == [(2026, D(2027, 4, 30)), (2025, D(2026, 4, 30))]
    app.config["ARTICLE7_TRACKED_FROM"] = 2027
    assert [r.year for r in services.expected_reports(lao, today=D(2027, 5, 1))] == [2026]


def test_a_state_not_party_owes_no_report(app):
    assert services.expected_reports(state("IDN"), today=D(2027, 5, 1)) == []


def test_overdue_reports_leave_out_those_received(app):
    record_report("LAO", "annual", 2025, D(2026, 4, 28))
    overdue = services.overdue_reports(today=TODAY)
    keys = {(r.state.iso3, r.kind, r.year) for r in overdue}
    assert ("LAO", "annual", 2025) not in keys
    assert ("DEU", "annual", 2025) in keys
    assert ("VUT", "initial", 2026) not in keys  # due 28 Aug 2026
    assert all(r.overdue and r.report is None for r in overdue)
    lao = services.expected_reports(state("LAO"), today=TODAY)
    assert lao[0].received_on == D(2026, 4, 28) and not lao[0].overdue


def test_overdue_reports_take_a_constant_number_of_queries(app, count_queries):
    with count_queries() as counter:
        overdue = services.overdue_reports(today=TODAY)
        [r.state.name for r in overdue]
    assert len(overdue) > 100 and counter.count == 2


def test_a_report_received_early_is_listed_with_its_date(app):
    record_report("VUT", "initial", 2026, D(2026, 6, 1))
    [initial] = services.expected_reports(state("VUT"), today=TODAY)
    assert initial.due_on == D(2026, 8, 28) and initial.received_on == D(2026, 6, 1)


def test_recording_a_report_checks_its_values(app):
    with pytest.raises(ValidationError) as error:
        record_report("VUT", "annual", 2025, D(2026, 7, 1))
    assert set(error.value.errors) == {"year", "received_on"}
    with pytest.raises(ValidationError) as error:
        record_report("IDN", "initial", 2026, D(2026, 6, 1))
    assert "not a State Party" in error.value.errors["kind"]


def test_recording_a_report_twice_corrects_the_same_record(app):
    first = record_report("LAO", "annual", 2025, D(2026, 4, 28))
    second = record_report("LAO", "annual", 2025, D(2026, 4, 29))
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article7Report)) == 1


def _extension(**values):
    data = {
        "submitted_on": D(2026, 3, 1),
        "requested_deadline": D(2031, 8, 1),
        "status": "submitted",
    }
    return services.ExtensionData(**{**data, **values})


def test_a_decision_needs_its_meeting_and_date_and_a_grant_its_new_deadline(app):
    lao = obligation("LAO", 4)
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.add_extension_request(lao, _extension(status="granted"), today=TODAY)
    assert set(error.value.errors) == {"decided_at_meeting", "decided_on", "new_deadline"}
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.add_extension_request(
            lao, _extension(status="refused", new_deadline=D(2031, 8, 1)), today=TODAY
        )
    assert "Only a granted request" in error.value.errors["new_deadline"]


def test_a_new_deadline_before_the_one_in_force_is_refused(app):
    lao = set_values(obligation("LAO", 4), extended_deadline=D(2025, 8, 1))
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.add_extension_request(
            lao,
            _extension(
                status="granted",
                decided_at_meeting="13MSP",
                decided_on=D(2026, 5, 1),
                new_deadline=D(2024, 1, 1),
            ),
            today=TODAY,
        )
    assert "2025-08-01" in error.value.errors["new_deadline"]
    db.session.rollback()
    assert obligation("LAO", 4).extended_deadline == D(2025, 8, 1)


def test_editing_the_granted_request_may_correct_its_own_deadline(app):
    lao = set_values(obligation("LAO", 4), extended_deadline=None)
    granted = {"status": "granted", "decided_at_meeting": "13MSP", "decided_on": D(2026, 5, 1)}
    with acting_as("test"):
        extension = services.add_extension_request(
            lao, _extension(**granted, new_deadline=D(2031, 8, 1)), today=TODAY
        )
        services.update_extension_request(
            extension,
            _extension(**granted, new_deadline=D(2030, 8, 1)),
            extension.version,
            today=TODAY,
        )
    assert lao.extended_deadline == D(2030, 8, 1)
    assert lao.extension_requests[0].status == ExtensionStatus.GRANTED


def test_an_obligation_edit_from_an_old_version_is_a_conflict(app):
    lao = obligation("LAO", 4)
    version = lao.version
    data = services.ObligationData(D(2020, 8, 1), D(2025, 8, 1), "in_progress", None, "s", "")
    with acting_as("test"):
        services.update_obligation(lao, data, version, today=TODAY)
        with pytest.raises(ConflictError):
            services.update_obligation(lao, data, version, today=TODAY)


def test_completing_needs_a_past_completion_date(app):
    lao = obligation("LAO", 4)
    data = services.ObligationData(D(2020, 8, 1), None, "completed", None)
    with pytest.raises(ValidationError) as error:
        services.clean_obligation(lao, data, today=TODAY)
    assert "date" in error.value.errors["completed_on"]
    data.completed_on = D(2026, 7, 1)
    with pytest.raises(ValidationError) as error:
        services.clean_obligation(lao, data, today=TODAY)
    assert "future" in error.value.errors["completed_on"]
    # Shipped as completed without a known date: still saves without one.
    assert services.clean_obligation(
        obligation("AUT", 3),
        services.ObligationData(D(2018, 8, 1), None, "completed", None),
        today=TODAY,
    )
