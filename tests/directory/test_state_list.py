"""The States page: every State with its status, filtered, searched and sorted."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.extensions import db
from outreach.reference.models import State
from tests.directory.pages import listed_states, shown_counts


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/states")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_list_shows_all_197_states_and_the_count_of_each_status(signed_in):
    response = signed_in.get("/states")
    html = response.get_data(as_text=True)

    assert len(listed_states(response)) == 197
    assert len(set(listed_states(response))) == 197
    assert shown_counts(html) == {
        "state_party": 112,
        "signatory": 12,
        "not_party": 72,
        "withdrawn": 1,
    }
    assert "<strong>197</strong> States shown" in html
    assert "Treaty status of all 197 States, as of January 2026" in html


def test_the_list_is_sorted_by_name_by_default(signed_in):
    rows = listed_states(signed_in.get("/states"))
    assert rows[:3] == ["AFG", "ALB", "DZA"]
    assert rows[-1] == "ZWE"


def test_filtering_by_status_shows_exactly_the_twelve_signatories(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?status=signatory"))

    expected = {iso3 for iso3, row in shipped.items() if row["ccm_status"] == "signatory"}
    assert len(rows) == 12
    assert set(rows) == expected
    assert "IDN" in rows
    assert "FRA" not in rows


def test_filtering_by_region_shows_only_that_region(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?region=Oceania"))

    expected = {iso3 for iso3, row in shipped.items() if row["region"] == "Oceania"}
    assert set(rows) == expected
    assert len(rows) == 16
    assert {"NRU", "VUT", "AUS", "COK"} <= set(rows)


def test_status_and_region_filters_combine(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?status=signatory&region=Africa"))

    expected = {
        iso3
        for iso3, row in shipped.items()
        if row["ccm_status"] == "signatory" and row["region"] == "Africa"
    }
    assert set(rows) == expected
    assert len(rows) == 8
    assert "IDN" not in rows


def test_searching_finds_a_state_by_part_of_its_name_or_its_code(signed_in):
    response = signed_in.get("/states?q=lao")
    html = response.get_data(as_text=True)

    assert listed_states(response) == ["LAO"]
    assert "Lao People&#39;s Democratic Republic" in html
    assert listed_states(signed_in.get("/states?q=  FRA ")) == ["FRA"]
    assert listed_states(signed_in.get("/states?q=Ivoire")) == ["CIV"]
    assert set(listed_states(signed_in.get("/states?q=guinea"))) == {"GIN", "GNB", "GNQ", "PNG"}


def test_search_wildcards_are_taken_literally(signed_in):
    assert listed_states(signed_in.get("/states?q=%25")) == []
    assert listed_states(signed_in.get("/states?q=_")) == []
    assert listed_states(signed_in.get("/states?q=%25ao%25")) == []


def test_a_search_without_result_says_so(signed_in):
    html = signed_in.get("/states?q=atlantis").get_data(as_text=True)
    assert "No State matches these filters." in html
    assert "<strong>0</strong> States shown" in html


def test_sorting_by_entry_into_force_descending_puts_the_latest_first(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?sort=entry_into_force&dir=desc"))

    dates = [shipped[iso3]["entry_into_force_date"] for iso3 in rows]
    in_force = [d for d in dates if d]
    assert len(rows) == 197
    assert rows[0] == "VUT"
    assert in_force == sorted(in_force, reverse=True)
    assert dates == in_force + [""] * (197 - len(in_force))  # States without a date come last


def test_sorting_by_entry_into_force_ascending_puts_the_first_thirty_first(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?sort=entry_into_force"))

    dates = [shipped[iso3]["entry_into_force_date"] for iso3 in rows]
    in_force = [d for d in dates if d]
    assert in_force == sorted(in_force)
    assert dates[0] == "2010-08-01"
    assert dates[-1] == ""


def test_hostile_query_values_are_ignored_without_error(signed_in):
    default = listed_states(signed_in.get("/states"))
    for query in (
        {"sort": "name;DROP TABLE state"},
        {"sort": "name desc, (SELECT 1)"},
        {"status": "xyz"},
        {"status": "signatory' OR '1'='1"},
        {"region": "<script>alert(1)</script>"},
        {"region": "Oceania' OR '1'='1"},
        {"dir": "sideways"},
    ):
        response = signed_in.get("/states", query_string=query)
        assert listed_states(response) == default, query
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(State)) == 197


def test_a_searched_text_is_shown_back_escaped(signed_in):
    response = signed_in.get("/states", query_string={"q": '"><script>alert(1)</script>'})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_search_is_cut_rather_than_refused(signed_in):
    response = signed_in.get("/states", query_string={"q": "lao" + "x" * 5000})
    assert response.status_code == 200
    assert listed_states(response) == []


def test_the_list_is_loaded_in_a_constant_number_of_queries(signed_in, count_queries):
    signed_in.get("/states")  # warm up: the signed-in user is loaded once

    with count_queries() as full:
        all_rows = listed_states(signed_in.get("/states"))
    with count_queries() as filtered:
        some_rows = listed_states(signed_in.get("/states?status=signatory"))

    assert (len(all_rows), len(some_rows)) == (197, 12)
    assert full.count == filtered.count
    assert full.count <= 6


def test_sorting_by_status_follows_the_order_of_the_statuses(signed_in, shipped):
    rows = listed_states(signed_in.get("/states?sort=status"))
    statuses = [shipped[iso3]["ccm_status"] for iso3 in rows]

    order = ["state_party", "signatory", "not_party", "withdrawn"]
    assert statuses == sorted(statuses, key=order.index)
    assert rows[0] == "AFG"  # by name within a status
    assert listed_states(signed_in.get("/states?sort=status&dir=desc"))[0] == "LTU"
