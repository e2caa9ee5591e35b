"""The public status page and its CSV: open without signing in, every State with its dates,
filterable, cacheable, and never a word of contacts, interactions, dialogues or obligations."""

from __future__ import annotations

import csv
import datetime as dt
import io

import sqlalchemy as sa

from outreach.extensions import db
from outreach.obligations.models import Obligation
from tests.dashboard.conftest import map_svg, shapes, state
from tests.factories import (
    make_contact,
    make_dialogue,
    make_followup,
    make_interaction,
    make_organisation,
)

MARKER = "Zqxj-marker"


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_anyone_reads_the_status_without_signing_in(client):
    response = client.get("/status")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Status of the Convention on Cluster Munitions" in html
    assert "112 States Parties and 12 signatories among 197 States" in html
    assert html.count('<tr>\n        <th scope="row">') == 197
    assert 'href="/login"' in html and "Sign in" in html
    assert 'class="main-nav"' not in html
    assert "January 2026" in html and "UN Treaty Collection" in html and "Natural Earth" in html
    assert 'href="/api/v1/public/states"' in html and 'href="/status/states.csv"' in html
    drawn = shapes(map_svg(html))
    assert len(drawn) == 197
    assert "<a " not in html.split('<svg class="world-map__svg"')[1].split("</svg>")[0]


def test_the_list_shows_each_states_dates(client):
    html = client.get("/status").get_data(as_text=True)
    lithuania = html.split('<th scope="row">Lithuania</th>')[1].split("</tr>")[0]
    assert "Withdrawn" in lithuania and 'datetime="2025-03-06"' in lithuania
    vanuatu = html.split('<th scope="row">Vanuatu</th>')[1].split("</tr>")[0]
    assert "Accession" in vanuatu and 'datetime="2026-03-01"' in vanuatu


def test_the_list_filters_by_status_with_plain_links(client):
    html = client.get("/status?status=signatory").get_data(as_text=True)
    table = html.split("<tbody>")[1]
    assert table.count('<th scope="row">') == 12
    assert '<th scope="row">Indonesia</th>' in table
    assert '<th scope="row">France</th>' not in table
    assert 'href="/status/states.csv?status=signatory"' in html
    assert 'href="/status?status=withdrawn#states"' in html
    everything = client.get("/status?status=nonsense").get_data(as_text=True)
    assert everything.split("<tbody>")[1].count('<th scope="row">') == 197


def test_the_csv_has_every_state_or_those_of_one_status(client):
    response = client.get("/status/states.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response)
    assert len(rows) == 197
    lao = next(row for row in rows if row["ISO3"] == "LAO")
    assert lao["CCM status"] == "State Party" and lao["Entry into force"] == "2010-08-01"
    withdrawn = _csv_rows(client.get("/status/states.csv?status=withdrawn"))
    assert [row["State"] for row in withdrawn] == ["Lithuania"]


def test_signed_out_visitors_may_cache_it_a_few_minutes_signed_in_ones_not(client, auth, staff):
    for path in ("/status", "/status/states.csv"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert "Set-Cookie" not in response.headers
    auth.login(staff.email)
    response = client.get("/status")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_no_contact_interaction_dialogue_or_obligation_shows_through(app, client, staff):
    mission = make_organisation(f"Mission {MARKER}", kind="permanent_mission", state_iso3="IDN")
    make_contact(f"Contact{MARKER}", "Ana", organisation=mission, notes=f"notes {MARKER}")
    indonesia = state("IDN")
    interaction = make_interaction(
        f"Démarche {MARKER}", summary=MARKER, outcome=MARKER, state_ids=[indonesia.id]
    )
    make_followup(staff, dt.date.today(), f"Follow {MARKER}", interaction_id=interaction.id)
    make_dialogue("IDN", "universalization", position=MARKER, next_step=MARKER)
    obligation = db.session.scalar(sa.select(Obligation).limit(1))
    obligation.notes = MARKER
    db.session.commit()

    for path in ("/status", "/status?status=signatory", "/status/states.csv"):
        body = client.get(path).get_data(as_text=True)
        assert MARKER not in body, path
        for word in ("dialogue", "interaction", "follow-up", "obligation", "stage"):
            assert word not in body.lower(), (path, word)
