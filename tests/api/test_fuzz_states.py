"""The States API and everything a coordinator can call, fuzzed from the OpenAPI document."""

from tests.api.fuzzing import server_errors
from tests.factories import api_headers


def test_fuzzing_the_states_api_finds_no_server_error(app, staff):
    fuzzed, errors = server_errors(app, api_headers(staff.email), lambda path: "/states" in path)

    assert fuzzed == 3  # /states, /states/{iso3}, /public/states
    assert errors == []


def test_fuzzing_every_operation_as_a_coordinator_finds_no_server_error(app, coordinator):
    fuzzed, errors = server_errors(
        app, api_headers(coordinator.email), lambda path: True, max_examples=6
    )

    assert fuzzed >= 13
    assert errors == []
