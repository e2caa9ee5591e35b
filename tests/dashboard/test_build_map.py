"""The converter from Natural Earth TopoJSON to the map's data file, and the shipped file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from outreach.dashboard import build_map
from outreach.dashboard.build_map import (
    HEIGHT,
    WIDTH,
    number,
    path,
    project,
    split_at_antimeridian,
)

DATA = Path(build_map.__file__).parent / "data"


def test_equal_earth_puts_the_equator_and_meridians_where_they_belong():
    assert project(0, 0) == pytest.approx((WIDTH / 2, HEIGHT / 2), abs=0.1)
    assert project(180, 0)[0] == pytest.approx(WIDTH, abs=0.1)
    assert project(-180, 0)[0] == pytest.approx(0, abs=0.1)
    assert project(0, 90)[1] == pytest.approx(0, abs=0.1)
    assert project(0, -90)[1] == pytest.approx(HEIGHT, abs=0.1)
    # Equal area: a degree of longitude is narrower towards the poles.
    assert project(10, 60)[0] - project(0, 60)[0] < project(10, 0)[0] - project(0, 0)[0]


def test_numbers_are_written_short_on_a_tenth_of_a_pixel():
    assert [number(t) for t in (12, -5, 30, 0, -10, 5)] == ["1.2", "-.5", "3", "0", "-1", ".5"]
    assert path([[(0, 0), (1, 0), (1, 1)]]) == "M0 0l1 0 0 1z"
    assert path([[(0, 0), (0.01, 0), (0.02, 0)]]) == ""  # collapses to a point: dropped


def test_a_ring_across_the_antimeridian_is_cut_in_two():
    ring = [(170, 60), (180, 60), (-170, 60), (-170, 70), (180, 70), (170, 70)]
    pieces = split_at_antimeridian(ring)
    assert len(pieces) == 2
    west = max(pieces, key=lambda p: max(x for x, _ in p))
    east = min(pieces, key=lambda p: min(x for x, _ in p))
    assert min(x for x, _ in west) == 170 and max(x for x, _ in west) == 180
    assert min(x for x, _ in east) == -180 and max(x for x, _ in east) == -170


def test_a_ring_around_the_pole_is_closed_along_the_pole():
    ring = [(-180, -70), (0, -70), (180, -70), (-180, -70)]
    [piece] = split_at_antimeridian(ring)
    assert (180, -90.0) in piece and (-180, -90.0) in piece


def test_a_tiny_topology_is_converted():
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]], [[20, 20], [1, 0], [0, 1]]],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "250", "properties": {"name": "F"}},
                    {"type": "Polygon", "arcs": [[1]], "id": "732", "properties": {"name": "W"}},
                ]
            }
        },
    }
    shapes, others = build_map.shapes_by_code(topology, {"250"})
    entry = build_map.state_entry("250", shapes["250"])
    assert entry["d"].startswith("M") and entry["d"].endswith("z")
    assert "marker" not in entry
    assert [other["name"] for other in others] == ["W"]


def test_the_shipped_file_has_every_state_and_stays_small():
    data = json.loads((DATA / "world_map.json").read_text("utf-8"))
    with build_map.REGIONS_CSV.open(encoding="utf-8") as handle:
        codes = {row["m49_code"] for row in csv.DictReader(handle)}
    assert len(codes) == 197 and set(data["states"]) == codes
    for code, entry in data["states"].items():
        assert entry.get("marker") or entry["d"].startswith("M"), code
        x, y = entry["point"]
        assert 0 <= x <= data["width"] and 0 <= y <= data["height"], code
    assert (DATA / "world_map.json").stat().st_size < 600_000
    assert "Natural Earth" in data["source"]
    assert "public domain" in (DATA / "SOURCES.md").read_text("utf-8")
