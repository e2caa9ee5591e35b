"""Cost of the main pages and API calls, each compared with a floor measured in the same run.

The floor is the cheapest request the app serves through the same stack (a static file via the
test client, and a signed-in page that runs one tiny query). Run with `make bench`; the summary
prints each case as a multiple of the floor so that a slow change shows up whatever the machine.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.benchmark(min_rounds=30, warmup=True)


def _get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    response.close()
    assert response.status_code == 200, (path, response.status_code)


def test_floor_static_file(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/static/app.css")


def test_home_page(benchmark, signed_in):
    """The staff dashboard: counts, chart, map, follow-ups, stale dialogues, deadlines."""
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/")


def test_states_list_all_197(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/states")


def test_states_list_filtered(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/states?status=signatory&region=Africa")


def test_state_page(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/states/FRA")


def test_public_states_api(benchmark, app):
    benchmark.group = "api"
    benchmark(_get, app.test_client(), "/api/v1/public/states")


def test_states_api_page_of_50(benchmark, app, token):
    benchmark.group = "api"
    headers = {"Authorization": f"Bearer {token}"}
    benchmark(_get, app.test_client(), "/api/v1/states?per_page=50", headers=headers)


def test_public_status_page(benchmark, app):
    benchmark.group = "pages"
    benchmark(_get, app.test_client(), "/status")


def test_dialogues_list(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/dialogues")


def test_universalization_board(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/universalization")


def test_deadlines(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/deadlines")


def test_interactions_list(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/interactions")


def test_interactions_search(benchmark, signed_in):
    """The list searched: every word in the subject, summary or outcome, ignoring accents."""
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/interactions?q=RATIFICATION+st%C3%A9ps")


def test_country_briefing(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/states/AFG/briefing")


def test_state_page_with_timeline(benchmark, signed_in):
    benchmark.group = "pages"
    benchmark(_get, signed_in, "/states/AFG")
