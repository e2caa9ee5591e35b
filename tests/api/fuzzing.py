"""Fuzzing API operations from the OpenAPI document with schemathesis: no server error allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


def server_errors(
    app: Flask, headers: dict[str, str], wanted: Callable[[str], bool], max_examples: int = 40
) -> tuple[int, list[tuple[Any, ...]]]:
    """(how many operations were fuzzed, the requests that got a 5xx), valid and invalid input
    generated for every operation whose path is `wanted`."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    errors: list[tuple[Any, ...]] = []
    operations = [r.ok() for r in schema.get_all_operations() if wanted(r.ok().path)]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=max_examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    errors.append((case.method, case.formatted_path, case.query, case.body))

            try:
                call()
            except Unsatisfiable:
                # An operation that takes no input at all has no invalid input to generate.
                assert mode is GenerationMode.NEGATIVE, operation.label
    return len(operations), errors
