"""Interactions and follow-ups: visibility, logging with a follow-up, conflicts, my follow-ups,
timelines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import nh3
import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp, Interaction
from outreach.reference.models import State
from tests.factories import make_followup, make_interaction, make_organisation


def _state(iso3: str) -> State:
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def test_confidential_interactions_are_hidden_from_coordinators_only(
    staff: Any, admin: Any, coordinator: Any
) -> None:
    make_interaction("Open meeting")
    make_interaction("Secret démarche", confidential=True)

    def subjects(user: Any) -> set[str]:
        return {i.subject for i in db.session.scalars(services.visible_interactions(user))}

    assert subjects(staff) == {"Open meeting", "Secret démarche"}
    assert subjects(admin) == {"Open meeting", "Secret démarche"}
    assert subjects(coordinator) == {"Open meeting"}
    assert subjects(None) == {"Open meeting"}


def test_logging_with_a_follow_up_is_one_transaction(staff: Any, admin: Any) -> None:
    indonesia = _state("IDN")
    interaction = make_interaction(
        "Démarche on ratification",
        kind="demarche",
        confidential=True,
        state_ids=[indonesia.id],
        staff_ids=[staff.id],
        created_by_id=staff.id,
        followup=services.FollowUpData("Send the model instrument", admin.id, dt.date(2026, 2, 1)),
    )
    assert interaction.is_confidential
    assert [s.iso3 for s in interaction.states] == ["IDN"]
    (followup,) = interaction.followups
    assert followup.owner_id == admin.id and followup.state_id == indonesia.id


def test_a_faulty_follow_up_logs_nothing(staff: Any) -> None:
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.log_interaction(
            services.InteractionData(
                subject="Call",
                occurred_on=dt.date(2026, 1, 1),
                followup=services.FollowUpData("Call back", None, None),
            )
        )
    db.session.rollback()
    assert set(error.value.errors) == {"followup_owner", "followup_due_on"}
    assert db.session.scalar(sa.select(sa.func.count(Interaction.id))) == 0


def test_subject_and_date_are_required(app: Any) -> None:
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.log_interaction(services.InteractionData(subject=" ", kind="nonsense"))
    assert set(error.value.errors) == {"subject", "kind", "occurred_on"}


def test_an_update_based_on_an_old_version_is_refused(app: Any) -> None:
    interaction = make_interaction("First")
    data = services.InteractionData(subject="Second", occurred_on=dt.date(2026, 1, 2))
    with acting_as("test"):
        services.update_interaction(interaction, data, expected_version=1)
        assert interaction.version == 2
        with pytest.raises(ConflictError):
            services.update_interaction(interaction, data, expected_version=1)


def test_my_follow_ups_by_date(staff: Any, admin: Any) -> None:
    today = dt.date(2026, 3, 10)
    make_followup(staff, dt.date(2026, 3, 9), "Overdue")
    make_followup(staff, today, "Today")
    make_followup(staff, dt.date(2026, 3, 17), "In a week")
    make_followup(staff, dt.date(2026, 3, 18), "Later")
    make_followup(admin, dt.date(2026, 3, 1), "Someone else's")
    done = make_followup(staff, dt.date(2026, 3, 1), "Done already")
    with acting_as("test"):
        services.complete_followup(done)

    mine = services.my_followups(staff, today=today)
    assert [f.description for f in mine.overdue] == ["Overdue"]
    assert [f.description for f in mine.this_week] == ["Today", "In a week"]
    assert [f.description for f in mine.later] == ["Later"]
    assert services.urgent_followup_count(staff, today=today) == 3
    assert db.session.get(FollowUp, done.id).done_at is not None


def test_follow_ups_of_a_confidential_interaction_are_not_a_coordinators(coordinator: Any) -> None:
    make_interaction(
        "Secret",
        confidential=True,
        followup=services.FollowUpData("Secret task", coordinator.id, dt.date(2026, 1, 1)),
    )
    mine = services.my_followups(coordinator, today=dt.date(2026, 1, 1))
    assert mine.overdue == mine.this_week == mine.later == []


def test_timelines_are_newest_first_paged_and_filtered(staff: Any, coordinator: Any) -> None:
    lao = _state("LAO")
    mission = make_organisation("Lao mission", kind="permanent_mission", state_iso3="LAO")
    for day in range(1, 13):
        make_interaction(
            f"Meeting {day}",
            occurred_on=dt.date(2026, 1, day),
            state_ids=[lao.id],
            organisation_ids=[mission.id],
            confidential=day == 12,
        )
    first = services.timeline_for("state", lao.id, staff, 1)
    assert first.total == 12
    assert [i.subject for i in first.items][:2] == ["Meeting 12", "Meeting 11"]
    assert len(services.timeline_for("state", lao.id, staff, 2).items) == 2
    seen = services.timeline_for("organisation", mission.id, coordinator, 1)
    assert seen.total == 11 and seen.items[0].subject == "Meeting 11"


@pytest.mark.parametrize("kind", ["state", "organisation"])
def test_a_timeline_runs_as_many_queries_for_3_and_30_interactions(
    staff: Any, count_queries: Any, kind: str
) -> None:
    lao = _state("LAO")
    mission = make_organisation("Lao mission", kind="permanent_mission", state_iso3="LAO")
    record_id = lao.id if kind == "state" else mission.id

    def statements(total: int) -> int:
        existing = db.session.scalar(sa.select(sa.func.count(Interaction.id)))
        for n in range(existing, total):
            make_interaction(
                f"Meeting {n}",
                state_ids=[lao.id],
                organisation_ids=[mission.id],
                staff_ids=[staff.id],
            )
        db.session.expire_all()
        with count_queries() as counter:
            page = services.timeline_for(kind, record_id, staff, 1)
            for item in page.items:
                _ = [s.name for s in item.states] + [o.name for o in item.organisations]
                _ = [u.email for u in item.staff] + list(item.contacts) + list(item.areas)
        return counter.count

    assert statements(3) == statements(30)


def test_the_summary_is_sanitised_markdown() -> None:
    html = services.render_summary("**Agreed**\n\n<script>alert(1)</script>\n\n[x](javascript:1)")
    assert "<strong>Agreed</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html
    assert "<img src=x" not in services.render_summary("<img src=x onerror=alert(1)>")
    assert "javascript" not in nh3.clean('<a href="javascript:1">x</a>')  # second defence
