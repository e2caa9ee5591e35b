"""The universalization pages: the State page's stage section and its form, the deposit page,
the board with its filters, and what a coordinator may see and do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db
from outreach.reference.models import CcmStatus
from outreach.universalization import services
from outreach.universalization.models import Stage, StageEvent
from tests.universalization.conftest import move, state


def _column(html: str, stage: str) -> str:
    """The HTML of one column of the board."""
    start = f'<section class="board__column" id="stage-{stage}"'
    match = re.search(re.escape(start) + ".*?</section>", html, re.S)
    assert match, stage
    return match.group(0)


def test_move_indonesia_to_considering_from_its_page(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    page = client.get("/states/IDN").get_data(as_text=True)
    assert 'id="universalization-title"' in page
    assert "No contact" in page and "(no stage recorded)" in page
    assert 'action="/states/IDN/stage"' in page
    assert '<label class="field__label" for="move-stage">Move to stage</label>' in page
    assert 'href="/states/IDN/deposit"' in page

    response = auth.post(
        "/states/IDN/stage",
        {"stage": "considering", "since": "2026-08-28", "note": "Capital studies it", "version": 0},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/states/IDN#universalization-title"
    page = client.get("/states/IDN").get_data(as_text=True)
    assert "Indonesia moved to “Considering”." in page
    assert "<strong>Considering</strong>" in page
    assert "No contact → <strong>Considering</strong>" in page
    assert "Capital studies it" in page and "Sam Specialist" in page


def test_bad_input_is_shown_next_to_the_field_and_kept(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()

    response = auth.post(
        "/states/IDN/stage",
        {"stage": "engaged", "since": future, "note": "Met the ambassador", "version": "0"},
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="field__error" id="since-error">The date cannot be in the future.</p>' in html
    assert 'value="Met the ambassador"' in html
    assert f'value="{future}"' in html
    assert '<option selected value="engaged">' in html
    assert services.engagement_of(state("IDN")) is None

    garbled = auth.post("/states/IDN/stage", {"stage": "engaged", "since": "31/02", "version": "²"})
    assert garbled.status_code == 422
    assert "Not a valid date value." in garbled.get_data(as_text=True)


def test_a_stale_form_is_refused_with_the_current_stage(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    move("IDN", "engaged", dt.date(2026, 3, 1))

    response = auth.post("/states/IDN/stage", {"stage": "considering", "version": "0"})

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else moved Indonesia" in html and "<strong>Engaged</strong>" in html
    assert services.engagement_of(state("IDN")).stage == Stage.ENGAGED


def test_a_state_party_page_has_no_stage_section(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)

    assert 'id="universalization-title"' not in client.get("/states/LAO").get_data(as_text=True)
    assert client.get("/states/LAO/stage").status_code == 200
    refused = auth.post("/states/LAO/stage", {"stage": "engaged"}, form_page="/account")
    assert refused.status_code == 422
    assert client.get("/states/XXX/stage").status_code == 404
    assert client.get("/states/X%00X/deposit").status_code == 404


def test_record_a_deposit(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    move("IDN", "domestic_process", dt.date(2026, 9, 1))
    form = client.get("/states/IDN/deposit").get_data(as_text=True)
    assert '<option value="ratification">Ratification</option>' in form

    missing = auth.post(
        "/states/IDN/deposit",
        {"consent_date": "2026-11-10", "consent_type": "ratification", "source": ""},
    )
    assert missing.status_code == 422
    assert 'id="source-error"' in missing.get_data(as_text=True)
    assert state("IDN").ccm_status == CcmStatus.SIGNATORY

    response = auth.post(
        "/states/IDN/deposit",
        {
            "consent_date": "2026-11-10",
            "consent_type": "ratification",
            "source": "C.N.123.2026",
            "note": "Handed over in New York",
        },
    )

    assert response.headers["Location"] == "/states/IDN#universalization-title"
    page = client.get("/states/IDN").get_data(as_text=True)
    assert "Indonesia is now a State Party: joined on 10 Nov 2026, in force on 1 May 2027" in page
    assert "Domestic process under way → <strong>Instrument deposited</strong>" in page
    assert 'action="/states/IDN/stage"' not in page  # a State Party moves no more
    assert "C.N.123.2026" in page  # in the status history
    assert "already a State Party" in client.get("/states/IDN/deposit").get_data(as_text=True)


def test_a_state_that_never_signed_is_offered_accession_only(
    client: Any, auth: Any, staff: Any
) -> None:
    auth.login(staff.email)

    form = client.get("/states/MMR/deposit").get_data(as_text=True)

    assert re.findall(r'<option[^>]*value="(\w+)"', form) == ["accession"]
    refused = auth.post(
        "/states/MMR/deposit",
        {"consent_date": "2026-11-10", "consent_type": "ratification", "source": "C.N.1"},
    )
    assert "joins by accession" in refused.get_data(as_text=True)
    assert state("MMR").ccm_status == CcmStatus.NOT_PARTY


def test_the_board_shows_each_state_in_its_stage_with_its_time(
    client: Any, auth: Any, staff: Any
) -> None:
    move("IDN", "considering", dt.date.today() - dt.timedelta(days=100))
    auth.login(staff.email)

    html = client.get("/universalization").get_data(as_text=True)

    headings = re.findall(r'<h2 id="stage-(\w+)-title"', html)
    assert headings == [stage.value for stage in Stage]
    considering = _column(html, "considering")
    assert '<a class="board__name" href="/states/IDN">Indonesia</a>' in considering
    assert "3 months" in considering and "Signatory" in considering and "Asia" in considering
    assert '<span class="board__count">1<span class="visually-hidden"> State</span>' in considering
    no_contact = _column(html, "no_contact")
    assert "Myanmar" in no_contact and "no stage recorded" in no_contact
    assert "Indonesia" not in no_contact
    assert "Lao" not in html


def test_the_board_filters_by_region_and_status(client: Any, auth: Any, staff: Any) -> None:
    move("IDN", "considering")
    move("USA", "first_contact")
    auth.login(staff.email)

    asia = client.get("/universalization?region=Asia").get_data(as_text=True)
    assert "Indonesia" in asia and "United States" not in asia
    assert '<option selected value="Asia">Asia</option>' in asia
    not_party = client.get("/universalization?status=not_party").get_data(as_text=True)
    assert "United States" in not_party and "Indonesia" not in not_party
    odd = client.get("/universalization?region=%00&status=nope&view=table")
    assert odd.status_code == 200
    table = odd.get_data(as_text=True)
    assert '<th scope="rowgroup" colspan="6">Considering (1)</th>' in table


def test_a_coordinator_reads_the_board_and_the_stage_but_cannot_move(
    client: Any, auth: Any, coordinator: Any
) -> None:
    move("IDN", "considering")
    auth.login(coordinator.email)

    board = client.get("/universalization").get_data(as_text=True)
    assert "Indonesia" in _column(board, "considering")
    page = client.get("/states/IDN").get_data(as_text=True)
    assert "<strong>Considering</strong>" in page
    assert "Move to stage" not in page and "Record a deposit" not in page
    assert client.get("/states/IDN/stage").status_code == 403
    assert client.get("/states/IDN/deposit").status_code == 403
    refused = auth.post("/states/IDN/stage", {"stage": "engaged"}, form_page="/account")
    assert refused.status_code == 403
    assert services.engagement_of(state("IDN")).stage == Stage.CONSIDERING
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent)) == 1


def test_the_board_runs_the_same_queries_for_one_or_every_state(
    client: Any, auth: Any, staff: Any, count_queries: Any
) -> None:
    auth.login(staff.email)
    move("IDN", "considering")
    with count_queries() as one:
        client.get("/universalization?region=Asia&status=signatory")
    for iso3 in ("USA", "MMR", "CHN", "IND", "PAK", "RUS", "ISR", "BRA"):
        move(iso3, "first_contact")
    with count_queries() as every:
        client.get("/universalization")

    assert every.count == one.count
