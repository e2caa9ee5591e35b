"""The organisations list: search, filters, sorting, pages, and a constant number of queries."""

from __future__ import annotations

import pytest

from outreach.organisations import services
from tests.factories import make_organisation
from tests.organisations.pages import listed

SEEDED = 16  # the key organisations that `seed` loads


@pytest.fixture
def organisations(app):
    """A few organisations of several kinds and States, one archived."""
    made = {
        "civ": make_organisation(
            "Mission permanente de la Côte d'Ivoire",
            kind="permanent_mission",
            acronym="MPCI",
            state_iso3="CIV",
            tags=["3RC"],
        ),
        "fra": make_organisation(
            "Ministère de l'Europe et des Affaires étrangères",
            kind="ministry",
            state_iso3="FRA",
            tags=["Donor"],
        ),
        "usa": make_organisation("Department of State", kind="ministry", state_iso3="USA"),
        "lao": make_organisation("UXO Lao", kind="mine_action_authority", state_iso3="LAO"),
        "old": make_organisation("Closed NGO", kind="ngo", tags=["3RC"]),
    }
    services.set_archived(made["old"], True)
    return made


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/organisations")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_list_shows_every_organisation_but_the_archived_ones_by_name(signed_in, organisations):
    response = signed_in.get("/organisations?per_page=100")
    names = listed(response)
    html = response.get_data(as_text=True)

    assert len(names) == SEEDED + 4
    assert "Closed NGO" not in names
    assert names == sorted(names, key=str.lower)
    assert f"<strong>{SEEDED + 4}</strong> organisations found." in html
    assert 'href="/states/CIV">Côte d&#39;Ivoire</a>' in html


def test_archived_organisations_are_shown_when_asked_with_a_badge(signed_in, organisations):
    response = signed_in.get("/organisations?archived=y&tag=3RC")

    assert listed(response) == ["Closed NGO", "Mission permanente de la Côte d'Ivoire"]
    assert "Archived</span>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cote d'ivoire", ["Mission permanente de la Côte d'Ivoire"]),
        ("CÔTE", ["Mission permanente de la Côte d'Ivoire"]),
        ("mpci", ["Mission permanente de la Côte d'Ivoire"]),
        ("ministere etrangeres", ["Ministère de l'Europe et des Affaires étrangères"]),
        ("france", ["Ministère de l'Europe et des Affaires étrangères"]),
        ("united states", ["Department of State"]),
        ("%", []),
        ("_", []),
        ("' OR 1=1 --", []),
    ],
)
def test_search_ignores_case_and_accents_and_takes_wildcards_literally(
    signed_in, organisations, query, expected
):
    assert listed(signed_in.get("/organisations", query_string={"q": query})) == expected


def test_filters_by_kind_state_status_region_and_tag(signed_in, organisations):
    assert listed(signed_in.get("/organisations?kind=ministry")) == [
        "Department of State",
        "Ministère de l'Europe et des Affaires étrangères",
    ]
    assert listed(signed_in.get("/organisations?state=LAO")) == ["UXO Lao"]
    assert listed(signed_in.get("/organisations?status=not_party")) == ["Department of State"]
    assert listed(signed_in.get("/organisations?region=Africa")) == [
        "Mission permanente de la Côte d'Ivoire"
    ]
    assert listed(signed_in.get("/organisations?tag=donor")) == [
        "Ministère de l'Europe et des Affaires étrangères"
    ]
    assert listed(signed_in.get("/organisations?kind=ministry&status=state_party")) == [
        "Ministère de l'Europe et des Affaires étrangères"
    ]
    html = signed_in.get("/organisations?kind=ministry&state=FRA").get_data(as_text=True)
    assert "Filtered by kind Ministry or capital authority, State FRA." in html


def test_sorting_by_state_kind_and_update_in_both_directions(signed_in, organisations):
    by_state = listed(signed_in.get("/organisations?state=&sort=state&per_page=100"))
    assert by_state[:4] == [
        "Mission permanente de la Côte d'Ivoire",
        "Ministère de l'Europe et des Affaires étrangères",
        "UXO Lao",
        "Department of State",
    ]
    by_state_desc = listed(signed_in.get("/organisations?sort=state&dir=desc&kind=ministry"))
    assert by_state_desc == [
        "Department of State",
        "Ministère de l'Europe et des Affaires étrangères",
    ]
    by_kind = listed(signed_in.get("/organisations?sort=kind&per_page=100"))
    assert by_kind[:3] == [
        "Landmine and Cluster Munition Monitor",
        "Geneva International Centre for Humanitarian Demining",
        "International Committee of the Red Cross",
    ]
    latest = listed(signed_in.get("/organisations?sort=updated&dir=desc"))
    assert latest[0] == "UXO Lao"


def test_i6_hostile_sort_and_filter_values_are_ignored(signed_in, organisations):
    default = listed(signed_in.get("/organisations?per_page=100"))
    for query in (
        "sort=name;DROP TABLE organisation",
        "sort=(SELECT 1)&dir=sideways",
        "kind=castle&status=sunk&region=Atlantis",
        "state=<script>&tag=",
        "page=abc&per_page=-5",
    ):
        response = signed_in.get(f"/organisations?{query}")
        assert response.status_code == 200, query
    assert listed(signed_in.get("/organisations?sort=evil&per_page=100")) == default


def test_the_list_is_paged_and_a_page_past_the_end_is_empty_not_an_error(signed_in, app):
    for number in range(40):
        make_organisation(f"Paged NGO {number:02d}")

    first = signed_in.get("/organisations?per_page=25&q=paged")
    second = signed_in.get("/organisations?per_page=25&q=paged&page=2")
    beyond = signed_in.get("/organisations?q=paged&page=99999999999")

    assert listed(first)[0] == "Paged NGO 00"
    assert len(listed(first)) == 25
    assert listed(second) == [f"Paged NGO {n}" for n in range(25, 40)]
    assert "Showing 26–40 of 40 organisations" in second.get_data(as_text=True)
    assert 'href="/organisations?per_page=25&amp;q=paged&amp;page=1" rel="prev"' in (
        second.get_data(as_text=True)
    )
    assert listed(beyond) == []


def test_i1_markup_in_names_is_shown_as_text(signed_in, app):
    for payload in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
    ):
        make_organisation(payload, acronym=payload[:40], tags=[payload[:60]])

    html = signed_in.get("/organisations?kind=ngo&per_page=100").get_data(as_text=True)

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_staff_get_checkboxes_and_bulk_actions_and_coordinators_do_not(
    signed_in, organisations, client, auth, coordinator
):
    staff_html = signed_in.get("/organisations").get_data(as_text=True)
    assert f'name="ids" value="{organisations["usa"].id}"' in staff_html
    assert 'action="/organisations/bulk"' in staff_html
    assert "New organisation" in staff_html

    auth.logout()
    auth.login(coordinator.email)
    html = client.get("/organisations").get_data(as_text=True)
    assert listed(client.get("/organisations?kind=ministry")) == [
        "Department of State",
        "Ministère de l'Europe et des Affaires étrangères",
    ]
    assert 'name="ids"' not in html
    assert "/organisations/bulk" not in html
    assert "New organisation" not in html


def test_the_list_issues_the_same_number_of_queries_for_10_and_200_organisations(
    signed_in, app, count_queries
):
    def fill(count: int) -> None:
        for number in range(count):
            make_organisation(
                f"Counted {number:03d}",
                kind="ministry",
                state_iso3=("FRA", "CIV", "LAO")[number % 3],
                tags=[f"tag {number % 7}", "counted"],
            )

    signed_in.get("/organisations")
    fill(10)
    with count_queries() as few:
        assert len(listed(signed_in.get("/organisations?per_page=200&tag=counted"))) == 10
    fill(190)
    with count_queries() as many:
        assert len(listed(signed_in.get("/organisations?per_page=200&tag=counted"))) == 200

    assert few.count == many.count
    assert few.count <= 14


def test_url_options_in_the_address_neither_fail_nor_build_links_elsewhere(signed_in, app):
    response = signed_in.get("/organisations?_external=1&_scheme=javascript&_anchor=x&q=a")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="sort-link" href="/organisations?q=a&amp;sort=name&amp;dir=desc"' in html
    assert "javascript:" not in html


def test_nul_bytes_in_the_search_and_filters_find_nothing_without_error(signed_in, organisations):
    for query in ("q=%00", "q=lao%00", "tag=%00", "state=%00", "region=%00", "kind=%00"):
        response = signed_in.get(f"/organisations?{query}")
        assert response.status_code == 200, query
        assert "\x00" not in response.get_data(as_text=True), query
    assert listed(signed_in.get("/organisations?q=ux%00o")) == ["UXO Lao"]
    assert signed_in.get("/organisations/export.csv?q=%00&region=%00").status_code == 200
