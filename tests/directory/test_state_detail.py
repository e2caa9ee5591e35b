"""A State's page: each treaty fact, the type of instrument, its sources and its history."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from tests.directory.pages import facts, section, text


def _facts(client, iso3: str) -> dict[str, str]:
    response = client.get(f"/states/{iso3}")
    assert response.status_code == 200
    return facts(response.get_data(as_text=True))


def test_the_page_of_france_shows_its_dates_instrument_and_sources(signed_in):
    html = signed_in.get("/states/FRA").get_data(as_text=True)
    france = facts(html)
    sources = text(section(html, "facts-title"))

    assert re.search(r"<h1[^>]*>\s*France\b", html)
    assert france["CCM"] == "State Party"
    assert france["Signature"] == "3 Dec 2008"
    assert france["Consent"] == "25 Sep 2009"
    assert france["Type"] == "Ratification"
    assert france["Entry"] == "1 Aug 2010"
    assert "Withdrawal" not in france
    assert france["Region"] == "Europe · Western Europe"
    assert '<time datetime="2008-12-03">' in html
    assert '<time datetime="2009-09-25">' in html
    assert '<time datetime="2010-08-01">' in html
    assert "Cluster Munition Monitor 2022 treaty status (as of 1 Aug 2022)" in sources
    assert "CMC 16 Feb 2010 release: among first 30 ratifications (EIF 1 Aug 2010)" in sources


def test_the_page_of_vanuatu_shows_it_joined_in_2025_and_is_in_force_from_march_2026(signed_in):
    vanuatu = _facts(signed_in, "VUT")

    assert vanuatu["CCM"] == "State Party"
    assert vanuatu["Consent"] == "5 Sep 2025"
    assert vanuatu["Type"] == "Accession"
    assert vanuatu["Entry"] == "1 Mar 2026"
    assert vanuatu["Signature"] == "—"


def test_before_its_entry_into_force_vanuatu_is_said_to_have_joined_but_not_yet_be_bound(
    client, auth, staff
):
    with time_machine.travel(dt.datetime(2026, 1, 23, 12, tzinfo=dt.UTC), tick=True):
        auth.login(staff.email)
        page = text(client.get("/states/VUT").get_data(as_text=True))

    assert (
        "Joined on 5 Sep 2025; the Convention enters into force for Vanuatu on 1 Mar 2026." in page
    )


def test_once_in_force_the_page_no_longer_says_entry_into_force_is_to_come(client, auth, staff):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=True):
        auth.login(staff.email)
        html = client.get("/states/VUT").get_data(as_text=True)

    assert "enters into force for Vanuatu" not in text(html)
    assert facts(html)["Entry"] == "1 Mar 2026"


def test_the_page_of_lithuania_shows_it_withdrew(signed_in):
    lithuania = _facts(signed_in, "LTU")

    assert lithuania["CCM"] == "Withdrawn"
    assert lithuania["Withdrawal"] == "6 Mar 2025"
    assert lithuania["Entry"] == "1 Sep 2011"


def test_a_state_that_is_not_party_shows_dashes_for_its_dates(signed_in):
    usa = _facts(signed_in, "USA")

    assert usa["CCM"] == "Not party"
    assert (usa["Signature"], usa["Consent"], usa["Type"], usa["Entry"]) == ("—",) * 4
    assert usa["Region"] == "Americas · Northern America"


def test_the_page_shows_the_status_each_state_was_seeded_with(signed_in):
    history = text(section(signed_in.get("/states/IDN").get_data(as_text=True), "history-title"))

    assert "command: seed" in history
    assert "Monitor country profile" in history


def test_an_unknown_code_is_not_found(signed_in):
    response = signed_in.get("/states/XXX")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert signed_in.get("/states/FRANCE").status_code == 404
    assert signed_in.get("/states/%3Cscript%3E").status_code == 404


def test_a_lower_case_code_finds_the_state(signed_in):
    response = signed_in.get("/states/fra")
    assert response.status_code == 200
    assert facts(response.get_data(as_text=True))["Consent"] == "25 Sep 2009"


def test_anonymous_visitors_cannot_read_a_state_page(client):
    response = client.get("/states/FRA")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_is_loaded_in_a_constant_number_of_queries(signed_in, count_queries):
    signed_in.get("/states/IDN")

    with count_queries() as few_events:
        signed_in.get("/states/IDN")
    with count_queries() as more_events:
        signed_in.get("/states/LTU")

    assert few_events.count == more_events.count
