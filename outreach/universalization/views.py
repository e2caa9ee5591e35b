"""Pages of the universalization feature: the board by stage, moving a State to another stage,
recording a deposit, and the section of the State page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from outreach.core.access import staff_required
from outreach.core.forms import show_errors
from outreach.directory import services as directory
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.forms import choices
from outreach.extensions import db
from outreach.reference.models import CcmStatus, ConsentType, State
from outreach.universalization import services
from outreach.universalization.forms import (
    CONSENT_CHOICES,
    BoardFilterForm,
    DepositForm,
    StageForm,
)
from outreach.universalization.models import Engagement, Stage, StageEvent

bp = Blueprint("universalization", __name__)


def _state_or_404(iso3: str) -> State:
    # Only a code can name a State (a NUL byte would fail on PostgreSQL).
    state = directory.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    return state


def _state_url(state: State) -> str:
    return url_for("directory.state_detail", iso3=state.iso3, _anchor="universalization-title")


def _version(form: Any) -> int | None:
    value = (form.version.data or "").strip()
    if value.isascii() and value.isdigit() and int(value) < 2**31:
        return int(value)
    return None


def _next_stage(current: Stage) -> Stage:
    """The stage a State usually moves to next (deposits are recorded apart)."""
    order = list(Stage)
    following = [s for s in services.MOVABLE_STAGES if order.index(s) > order.index(current)]
    return following[0] if following else services.MOVABLE_STAGES[0]


def stage_form(engagement: Engagement | None, blank: bool = False) -> StageForm:
    """The "Move to stage" form, proposing the next stage, since today; `blank` ignores the
    request's values (the State page only shows it)."""
    form = StageForm(formdata=None) if blank else StageForm()
    current = engagement.stage if engagement is not None else Stage.NO_CONTACT
    # The current stage is not offered: moving to it would be refused.
    form.stage.choices = [
        SelectChoice(s.value, s.label) for s in services.MOVABLE_STAGES if s != current
    ]
    if blank or not form.is_submitted():
        form.stage.data = _next_stage(current).value
        form.since.data = dt.date.today()
        form.version.data = str(engagement.version if engagement is not None else 0)
    return form


@dataclass
class StateEngagement:
    """What the State page shows of universalization."""

    shown: bool
    state: State
    engagement: Engagement | None = None
    events: list[StageEvent] = field(default_factory=list)
    form: StageForm | None = None

    @property
    def stage(self) -> Stage | None:
        if self.engagement is not None:
            return self.engagement.stage
        return Stage.NO_CONTACT if self.movable else None

    @property
    def movable(self) -> bool:
        return self.state.ccm_status in services.ENGAGED_STATUSES

    @property
    def time_in_stage(self) -> str:
        return services.time_in_stage(self.engagement.since if self.engagement else None)


@bp.app_template_global()
def state_engagement(state: State) -> StateEngagement:
    """The State page's universalization section: stage, history, and the staff's form. States
    Parties show it only when they joined through a deposit recorded here."""
    engagement = services.engagement_of(state)
    movable = state.ccm_status in services.ENGAGED_STATUSES
    if not movable and engagement is None:
        return StateEngagement(shown=False, state=state)
    staff = current_user.is_authenticated and current_user.is_staff
    return StateEngagement(
        shown=True,
        state=state,
        engagement=engagement,
        events=services.stage_history(state),
        form=stage_form(engagement, blank=True) if staff and movable else None,
    )


def _regions() -> list[str]:
    return directory.regions()


@bp.route("/universalization")
def board() -> ResponseReturnValue:
    """The board: the signatories, States not party and withdrawn States by engagement stage."""
    form = BoardFilterForm(request.args)
    regions = _regions()
    form.region.choices = choices([(r, r) for r in regions], "Any region")
    region = request.args.get("region", "")
    status = request.args.get("status", "")
    filters = services.BoardFilters(
        region=region if region in regions else None,
        status=CcmStatus(status) if status in {s.value for s in CcmStatus} else None,
    )
    as_table = request.args.get("view") == "table"
    columns = services.board(filters)
    return render_template(
        "universalization/board.html",
        form=form,
        filters=filters,
        columns=columns,
        total=sum(len(column.entries) for column in columns),
        as_table=as_table,
        shown_days=services.DEPOSITED_SHOWN_DAYS,
    )


def _conflict_of(state: State) -> dict[str, Any]:
    """What the State's stage is now, to show beside a refused move."""
    events = services.stage_history(state)
    return {"engagement": services.engagement_of(state), "last": events[0] if events else None}


@bp.route("/states/<iso3>/stage", methods=["GET", "POST"])
@staff_required
def stage_change(iso3: str) -> ResponseReturnValue:
    """Move a State to another engagement stage (the form is also on the State page)."""
    state = _state_or_404(iso3)
    engagement = services.engagement_of(state)
    form = stage_form(engagement)
    conflict = None
    if form.validate_on_submit():
        try:
            services.move_stage(
                state,
                form.stage.data,
                form.since.data,
                form.note.data,
                current_user,
                expected_version=_version(form),
            )
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "stage")
        except ConflictError:
            db.session.rollback()
            conflict = _conflict_of(state)
            # A second press is made knowing the other move: it is based on the current version.
            form.version.data = str(conflict["engagement"].version if conflict["engagement"] else 0)
        else:
            stage = Stage(form.stage.data)
            flash(f"{state.name} moved to “{stage.label}”.", "success")
            return redirect(_state_url(state))
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "universalization/stage_form.html",
        state=state,
        form=form,
        engagement=engagement,
        movable=state.ccm_status in services.ENGAGED_STATUSES,
        conflict=conflict,
    ), status


def _deposit_form(state: State) -> DepositForm:
    form = DepositForm()
    if state.signature_date is None:
        # A State that never signed joins by accession only.
        form.consent_type.choices = [SelectChoice(ConsentType.ACCESSION.value, "Accession")]
        if not form.is_submitted():
            form.consent_type.data = ConsentType.ACCESSION.value
    else:
        form.consent_type.choices = choices(CONSENT_CHOICES, "Choose a type")
    if not form.is_submitted():
        engagement = services.engagement_of(state)
        form.version.data = str(engagement.version if engagement is not None else 0)
    return form


@bp.route("/states/<iso3>/deposit", methods=["GET", "POST"])
@staff_required
def deposit(iso3: str) -> ResponseReturnValue:
    """Record the deposit of an instrument: the State becomes a State Party."""
    state = _state_or_404(iso3)
    form = _deposit_form(state)
    conflict = None
    if state.ccm_status != CcmStatus.STATE_PARTY and form.validate_on_submit():
        data = services.Deposit(
            consent_date=form.consent_date.data,
            consent_type=form.consent_type.data or "",
            source=form.source.data or "",
            note=form.note.data or "",
        )
        try:
            services.record_deposit(state, data, current_user, expected_version=_version(form))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "consent_date")
        except ConflictError:
            db.session.rollback()
            conflict = _conflict_of(state)
            form.version.data = str(conflict["engagement"].version if conflict["engagement"] else 0)
        else:
            flash(
                f"{state.name} is now a State Party: joined on {state.consent_date:%-d %b %Y}, "
                f"in force on {state.entry_into_force_date:%-d %b %Y} (Article 17).",
                "success",
            )
            return redirect(_state_url(state))
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "universalization/deposit_form.html", state=state, form=form, conflict=conflict
    ), status
