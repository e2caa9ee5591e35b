"""Loading the shipped treaty data, and recording changes of a State's treaty facts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.audit.services import acting_as, current_actor
from outreach.db import utcnow
from outreach.directory.models import Organisation, OrganisationKind
from outreach.directory.search import search_text
from outreach.extensions import db
from outreach.invitations.defaults import seed_message_templates
from outreach.meetings.seed import seed_meetings
from outreach.obligations.services import seed_obligations
from outreach.organisations.services import refresh_search_text
from outreach.reference.models import CcmStatus, ConsentType, State, StatusEvent, ThematicArea
from outreach.reference.treaty import entry_into_force

THEMATIC_AREAS = [
    ("universalization", "Universalization"),
    ("victim-assistance", "Victim Assistance"),
    ("clearance", "Clearance and Risk Reduction Education"),
    ("stockpile-destruction", "Stockpile Destruction and Retention"),
    ("cooperation", "International Cooperation and Assistance"),
    ("transparency", "Transparency Measures"),
    ("national-implementation", "National Implementation Measures"),
]

# The facts whose changes make up a State's treaty history.
TREATY_FIELDS = (
    "ccm_status",
    "signature_date",
    "consent_date",
    "consent_type",
    "entry_into_force_date",
    "withdrawal_date",
)
DESCRIPTIVE_FIELDS = (
    "name",
    "iso2",
    "m49_code",
    "region",
    "sub_region",
    "intermediate_region",
    "search_text",
)
SEED_ACTOR = "command: seed"


def _data_text(name: str) -> str:
    return resources.files("outreach.reference").joinpath(f"data/{name}").read_text("utf-8")


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a shipped CSV file."""
    return list(csv.DictReader(io.StringIO(_data_text(name))))


@cache
def manifest() -> dict[str, str]:
    """The as-of date and sources of the shipped data."""
    return json.loads(_data_text("manifest.json"))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def state_rows() -> list[dict[str, Any]]:
    """The shipped facts of every State, typed, with its M49 region."""
    regions = {row["iso3"]: row for row in read_csv("m49_regions.csv")}
    rows = []
    for row in read_csv("ccm_states.csv"):
        region = regions.get(row["iso3"], {})
        rows.append(
            {
                "iso3": row["iso3"],
                "name": row["name"],
                "iso2": region.get("iso2") or None,
                "m49_code": region.get("m49_code") or None,
                "region": region.get("region") or None,
                "sub_region": region.get("sub_region") or None,
                "intermediate_region": region.get("intermediate_region") or None,
                "ccm_status": CcmStatus(row["ccm_status"]),
                "signature_date": _date(row["signature_date"]),
                "consent_date": _date(row["consent_date"]),
                "consent_type": ConsentType(row["consent_type"]) if row["consent_type"] else None,
                "entry_into_force_date": _date(row["entry_into_force_date"]),
                "withdrawal_date": _date(row["withdrawal_date"]),
                "source": row["source"],
                "search_text": search_text(row["name"], row["iso3"], region.get("iso2")),
            }
        )
    return rows


@dataclass
class SeedReport:
    """What a seed run changed."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    areas_created: int = 0
    organisations_created: int = 0
    obligations_created: int = 0
    meetings_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.areas_created
            or self.organisations_created
            or self.obligations_created
            or self.meetings_created
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def add_status_event(state: State, name: str, old: Any, new: Any, source: str | None) -> None:
    """Append a change of one treaty fact to the State's history."""
    _user_id, label, _ip = current_actor()
    db.session.add(
        StatusEvent(
            state=state,
            at=utcnow(),
            field=name,
            old_value=_text(old),
            new_value=_text(new),
            source=source,
            actor_label=label,
        )
    )


def _apply_row(state: State, row: dict[str, Any], event_source: str | None = None) -> list[str]:
    """Update a State from a data row; record each treaty change. Returns the changed fields."""
    changed = []
    for name in TREATY_FIELDS:
        if getattr(state, name) != row[name]:
            source = event_source or row["source"]
            add_status_event(state, name, getattr(state, name), row[name], source)
            setattr(state, name, row[name])
            changed.append(name)
    for name in (*DESCRIPTIVE_FIELDS, "source"):
        if getattr(state, name) != row[name]:
            setattr(state, name, row[name])
            changed.append(name)
    return changed


def _shipped_before_local_changes() -> dict[int, dict[str, str | None]]:
    """Per State, the treaty facts people changed since seed last set them, with their old value."""
    events = db.session.execute(
        sa.select(
            StatusEvent.state_id, StatusEvent.field, StatusEvent.old_value, StatusEvent.actor_label
        ).order_by(StatusEvent.at, StatusEvent.id)
    )
    local: dict[int, dict[str, str | None]] = {}
    for state_id, name, old_value, actor_label in events:
        fields = local.setdefault(state_id, {})
        if actor_label == SEED_ACTOR:
            fields.pop(name, None)
        else:
            fields.setdefault(name, old_value)
    return local


def _keep_local_changes(state: State, row: dict[str, Any], local: dict[str, str | None]) -> None:
    """Keep in the row the facts people recorded since the data was shipped, unless it changed."""
    # `seed` runs at each deployment: it must not undo a deposit recorded in Outreach meanwhile.
    kept = [name for name in TREATY_FIELDS if name in local and _text(row[name]) == local[name]]
    for name in kept:
        row[name] = getattr(state, name)
    if kept and state.source.startswith(row["source"]):
        row["source"] = state.source


def _seed_states(report: SeedReport) -> None:
    existing = {s.iso3: s for s in db.session.scalars(sa.select(State))}
    local = _shipped_before_local_changes()
    for row in state_rows():
        state = existing.get(row["iso3"])
        if state is None:
            state = State(**row)
            db.session.add(state)
            add_status_event(state, "ccm_status", None, row["ccm_status"], row["source"])
            report.created.append(row["iso3"])
            continue
        _keep_local_changes(state, row, local.get(state.id, {}))
        changed = _apply_row(state, row)
        if changed:
            report.updated[row["iso3"]] = changed


def _seed_areas(report: SeedReport) -> None:
    known = set(db.session.scalars(sa.select(ThematicArea.slug)))
    for position, (slug, name) in enumerate(THEMATIC_AREAS):
        if slug not in known:
            db.session.add(ThematicArea(slug=slug, name=name, position=position))
            report.areas_created += 1


def _seed_organisations(report: SeedReport) -> None:
    # Each key organisation is created once, ever: one the ISU has renamed or deleted since
    # must not come back at the next deployment.
    created = db.session.scalars(
        sa.select(AuditEvent.after).where(
            AuditEvent.record_type == Organisation.__name__,
            AuditEvent.action == "create",
            AuditEvent.actor_label == SEED_ACTOR,
        )
    )
    known = {after.get("name") for after in created if after}
    known.update(db.session.scalars(sa.select(Organisation.name)))
    for row in read_csv("key_organisations.csv"):
        if row["name"] in known:
            continue  # never overwrite what the ISU has edited since
        organisation = Organisation(
            name=row["name"],
            acronym=row["acronym"] or None,
            kind=OrganisationKind(row["kind"]),
            website=row["website"] or None,
        )
        refresh_search_text(organisation)
        db.session.add(organisation)
        report.organisations_created += 1
    # Organisations stored before they were searchable by name and acronym.
    for organisation in db.session.scalars(
        sa.select(Organisation).where(Organisation.search_text == "")
    ):
        refresh_search_text(organisation)


def seed() -> SeedReport:
    """Load or refresh the shipped reference data; running it twice changes nothing."""
    report = SeedReport()
    with acting_as(SEED_ACTOR):  # how seed's own changes are told from people's
        _seed_areas(report)
        _seed_states(report)
        _seed_organisations(report)
        seed_obligations(report)
        seed_meetings(report)
        seed_message_templates()
        db.session.commit()
    return report


def record_consent(
    state: State,
    consent_date: dt.date,
    consent_type: ConsentType | str,
    source: str,
) -> State:
    """Record a deposited instrument: the State becomes a State Party, in force per Article 17."""
    consent_type = ConsentType(consent_type)
    if state.ccm_status == CcmStatus.STATE_PARTY:
        raise ValueError(f"{state.name} is already a State Party.")
    if consent_type != ConsentType.ACCESSION and state.signature_date is None:
        raise ValueError("A State that has not signed the Convention joins it by accession.")
    if state.signature_date and consent_date < state.signature_date:
        raise ValueError("An instrument cannot be deposited before the signature.")
    if not source.strip():
        raise ValueError("Give the source of the deposit.")
    row = {name: getattr(state, name) for name in (*TREATY_FIELDS, *DESCRIPTIVE_FIELDS, "source")}
    row.update(
        ccm_status=CcmStatus.STATE_PARTY,
        consent_date=consent_date,
        consent_type=consent_type,
        entry_into_force_date=entry_into_force(consent_date),
        withdrawal_date=None,
        source=f"{state.source}; {source}" if state.source else source,
    )
    # Each event cites the instrument just deposited, not the State's whole list of sources.
    _apply_row(state, row, event_source=source)
    db.session.commit()
    return state
