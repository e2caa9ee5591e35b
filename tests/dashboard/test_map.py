"""The world map: every one of the 197 States is drawn once, in its status's colour, with its
name; small States are dots; the legend counts what the database holds."""

from __future__ import annotations

import re
import time
from collections import Counter

from outreach.dashboard.map import STATUS_COLOURS, map_data, render_world_map
from outreach.extensions import db
from outreach.reference.models import CcmStatus
from tests.dashboard.conftest import SVG, map_svg, shapes, state, states, title_of

SMALL_STATES = [
    "COK", "NIU", "PLW", "NRU", "WSM", "TUV", "TON", "KIR", "MHL", "FSM",
    "VAT", "SMR", "MCO", "LIE", "AND", "MLT", "SGP", "BHR", "MDV", "KNA",
]  # fmt: skip


def test_every_state_is_drawn_once_in_the_colour_of_its_status(app):
    every = states()
    drawn = shapes(map_svg(render_world_map(every, title_id="t")))
    assert len(every) == 197
    assert set(drawn) == {s.iso3 for s in every}
    for s in every:
        shape = drawn[s.iso3]
        assert f"map-state--{s.ccm_status.value}" in shape.get("class"), s.iso3
        assert shape.get("fill") == STATUS_COLOURS[s.ccm_status], s.iso3
        assert title_of(shape) == f"{s.name}: {s.ccm_status.label}"


def test_small_states_are_dots_one_can_see(app):
    drawn = shapes(map_svg(render_world_map(states(), title_id="t")))
    width, height = map_data()["width"], map_data()["height"]
    for iso3 in SMALL_STATES:
        dot = drawn[iso3]
        assert dot.tag == f"{SVG}circle", iso3
        assert float(dot.get("r")) >= 2
        assert 0 < float(dot.get("cx")) < width and 0 < float(dot.get("cy")) < height, iso3
    assert drawn["FRA"].tag == f"{SVG}path" and len(drawn["FRA"].get("d")) > 500


def test_dots_sit_where_the_states_are(app):
    drawn = shapes(map_svg(render_world_map(states(), title_id="t")))

    def at(iso3):
        return float(drawn[iso3].get("cx")), float(drawn[iso3].get("cy"))

    holy_see, malta, nauru, niue = at("VAT"), at("MLT"), at("NRU"), at("NIU")
    assert abs(holy_see[0] - 500) < 50 and holy_see[1] < malta[1]  # Europe, north of Malta
    assert nauru[0] > 900 and abs(nauru[1] - map_data()["height"] / 2) < 10  # near the equator
    assert niue[0] < 50 and niue[1] > map_data()["height"] / 2  # far west, south


def test_the_legend_counts_what_the_database_holds(app):
    every = states()
    html = str(render_world_map(every, title_id="t"))
    legend = dict(
        (label, int(count))
        for count, label in re.findall(r'map-legend__count">(\d+)</span> ([^<]+)</li>', html)
    )
    counts = Counter(s.ccm_status for s in every)
    assert legend == {
        "States Parties": counts[CcmStatus.STATE_PARTY],
        "Signatories": counts[CcmStatus.SIGNATORY],
        "Not party": counts[CcmStatus.NOT_PARTY],
        "Withdrawn": counts[CcmStatus.WITHDRAWN],
    }
    assert legend == {"States Parties": 112, "Signatories": 12, "Not party": 72, "Withdrawn": 1}


def test_a_change_of_status_recolours_the_state(app):
    indonesia = state("IDN")
    before = shapes(map_svg(render_world_map(states(), title_id="t")))["IDN"]
    assert before.get("fill") == STATUS_COLOURS[CcmStatus.SIGNATORY]
    indonesia.ccm_status = CcmStatus.STATE_PARTY
    db.session.commit()
    after = shapes(map_svg(render_world_map(states(), title_id="t")))["IDN"]
    assert after.get("fill") == STATUS_COLOURS[CcmStatus.STATE_PARTY]
    assert title_of(after) == "Indonesia: State Party"


def test_areas_that_are_not_states_are_grey_and_named(app):
    svg = map_svg(render_world_map(states(), title_id="t"))
    others = {title_of(p) for p in svg.iter(f"{SVG}path") if p.get("class") == "map-other"}
    for name in ("Antarctica", "Western Sahara", "Taiwan", "Kosovo"):
        assert f"{name} — not covered" in others
    assert not any("Greenland" in title for title in others)  # Denmark's colour


def test_the_map_is_named_and_links_only_when_asked(app):
    every = states()
    public = str(render_world_map(every, title_id="public-map"))
    assert 'role="img" aria-labelledby="public-map"' in public
    assert '<title id="public-map">' in public
    assert "<a " not in public.split("</svg>")[0]
    linked = map_svg(render_world_map(every, title_id="t", link=lambda s: f"/states/{s.iso3}"))
    links = {a.get("href") for a in linked.iter(f"{SVG}a")}
    assert links == {f"/states/{s.iso3}" for s in every}


def test_names_are_escaped(app):
    fake = type("Fake", (), {})()
    fake.name, fake.iso3, fake.m49_code = "<script>x</script>", "FRA", "250"
    fake.ccm_status = CcmStatus.STATE_PARTY
    html = str(render_world_map([fake], title_id="t"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_map_renders_quickly(app):
    every = states()
    render_world_map(every, title_id="t")  # reads the data file once
    started = time.perf_counter()
    for _ in range(10):
        render_world_map(every, title_id="t", link=lambda s: "/states/" + s.iso3)
    assert (time.perf_counter() - started) / 10 < 0.03
