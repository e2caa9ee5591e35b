"""Recording a State's consent to be bound: ratification by a signatory, accession by others."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.reference.models import CcmStatus, ConsentType, State, StatusEvent
from outreach.reference.services import record_consent
from tests.directory.pages import shown_counts

DEPOSIT = "Depositary notification C.N.12.2026.TREATIES-XXVI.6"


def _state(iso3: str) -> State:
    db.session.expire_all()
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def _events(iso3: str) -> list[tuple[str, str | None, str | None, str | None, str]]:
    state = _state(iso3)
    return sorted(
        (e.field, e.old_value, e.new_value, e.source, e.actor_label)
        for e in state.status_events
        if e.old_value is not None or e.field != "ccm_status"
    )


def test_a_signatory_that_ratifies_becomes_a_state_party_in_force_six_months_later(app):
    with acting_as("test: depositary"):
        record_consent(_state("IDN"), dt.date(2026, 3, 10), "ratification", DEPOSIT)

    indonesia = _state("IDN")
    assert indonesia.ccm_status == CcmStatus.STATE_PARTY
    assert indonesia.consent_date == dt.date(2026, 3, 10)
    assert indonesia.consent_type == ConsentType.RATIFICATION
    assert indonesia.entry_into_force_date == dt.date(2026, 9, 1)
    assert indonesia.signature_date == dt.date(2008, 12, 3)
    assert indonesia.source.endswith("; " + DEPOSIT)
    assert _events("IDN") == [
        ("ccm_status", "signatory", "state_party", DEPOSIT, "test: depositary"),
        ("consent_date", None, "2026-03-10", DEPOSIT, "test: depositary"),
        ("consent_type", None, "ratification", DEPOSIT, "test: depositary"),
        ("entry_into_force_date", None, "2026-09-01", DEPOSIT, "test: depositary"),
    ]


def test_the_new_state_party_is_counted_and_shown_on_its_page(app, client, auth, staff):
    record_consent(_state("IDN"), dt.date(2026, 3, 10), ConsentType.RATIFICATION, DEPOSIT)
    auth.login(staff.email)

    counts = shown_counts(client.get("/states").get_data(as_text=True))
    page = client.get("/states/IDN").get_data(as_text=True)

    assert (counts["state_party"], counts["signatory"]) == (113, 11)
    assert '<time datetime="2026-09-01">1 Sep 2026</time>' in page
    assert DEPOSIT in page


def test_a_state_that_never_signed_cannot_ratify(app):
    algeria = _state("DZA")
    assert algeria.signature_date is None

    with pytest.raises(ValueError, match="accession"):
        record_consent(algeria, dt.date(2026, 3, 10), "ratification", DEPOSIT)

    db.session.rollback()
    assert _state("DZA").ccm_status == CcmStatus.NOT_PARTY
    assert _events("DZA") == []


def test_a_state_that_never_signed_joins_by_accession(app):
    record_consent(_state("DZA"), dt.date(2026, 1, 31), "accession", DEPOSIT)

    algeria = _state("DZA")
    assert algeria.ccm_status == CcmStatus.STATE_PARTY
    assert algeria.consent_type == ConsentType.ACCESSION
    assert algeria.entry_into_force_date == dt.date(2026, 7, 1)
    assert [e[0] for e in _events("DZA")] == [
        "ccm_status",
        "consent_date",
        "consent_type",
        "entry_into_force_date",
    ]


def test_a_state_party_cannot_deposit_a_second_instrument(app):
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(StatusEvent))

    with pytest.raises(ValueError, match="already a State Party"):
        record_consent(_state("FRA"), dt.date(2026, 3, 10), "ratification", DEPOSIT)

    db.session.rollback()
    assert _state("FRA").consent_date == dt.date(2009, 9, 25)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusEvent)) == events_before


def test_an_instrument_needs_a_source_and_cannot_precede_the_signature(app):
    with pytest.raises(ValueError, match="source"):
        record_consent(_state("IDN"), dt.date(2026, 3, 10), "ratification", "  ")
    with pytest.raises(ValueError, match="signature"):
        record_consent(_state("IDN"), dt.date(2008, 12, 2), "ratification", DEPOSIT)
    with pytest.raises(ValueError):
        record_consent(_state("IDN"), dt.date(2026, 3, 10), "signature", DEPOSIT)
    assert _state("IDN").ccm_status == CcmStatus.SIGNATORY
