"""The world map of the 197 States coloured by CCM status, as inline SVG built on the server."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from outreach.reference.models import CcmStatus

# Okabe–Ito colours, told apart by people with any common colour-vision deficiency; each
# status also differs in lightness, so the map reads in greyscale print too.
STATUS_COLOURS = {
    CcmStatus.STATE_PARTY: "#0072b2",
    CcmStatus.SIGNATORY: "#e69f00",
    CcmStatus.NOT_PARTY: "#cfc6b4",
    CcmStatus.WITHDRAWN: "#882255",
}
NOT_COVERED = "#f2f2f2"
OCEAN = "#dcebf5"
BORDER = "#4f5b66"
MARKER_RADIUS = 3
MARKER_EDGE = "#1b1f24"  # a dark ring shows a dot on land and on the sea alike
LEGEND_PLURALS = {CcmStatus.STATE_PARTY: "States Parties", CcmStatus.SIGNATORY: "Signatories"}


@cache
def map_data() -> dict[str, Any]:
    """The shipped shapes (read once per process)."""
    text = resources.files("outreach.dashboard").joinpath("data/world_map.json").read_text("utf-8")
    return json.loads(text)


@cache
def _others() -> str:
    """The areas that are not among the States, in neutral grey (the same on every map)."""
    parts = [
        f'<path class="map-other" d="{other["d"]}"><title>{escape(other["name"])} — '
        "not covered</title></path>"
        for other in map_data()["others"]
    ]
    return "".join(parts)


def status_label(status: CcmStatus, count: int) -> str:
    """ "112 States Parties", "1 Signatory": a legend entry."""
    return LEGEND_PLURALS[status] if count != 1 and status in LEGEND_PLURALS else status.label


class Place(NamedTuple):
    """What the map shows of one State: where, who, its status and, on signed-in pages, its link."""

    m49_code: str
    iso3: str
    name: str
    status: CcmStatus
    href: str | None


def _shape(place: Place, entry: dict[str, Any]) -> str:
    status = place.status
    title = f"<title>{escape(place.name)}: {escape(status.label)}</title>"
    common = (
        f'class="map-state map-state--{status.value}" data-iso3="{escape(place.iso3)}" '
        f'fill="{STATUS_COLOURS[status]}"'
    )
    if entry.get("marker"):
        x, y = entry["point"]
        shape = f'<circle {common} cx="{x}" cy="{y}" r="{MARKER_RADIUS}">{title}</circle>'
    else:
        shape = f'<path {common} d="{entry["d"]}">{title}</path>'
    if place.href is None:
        return shape
    # Not a tab stop: keyboard users have the list of States instead of 197 links in a row.
    return f'<a href="{escape(place.href)}" tabindex="-1">{shape}</a>'


def _legend(counts: Counter[CcmStatus], table_href: str | None) -> str:
    items = "".join(
        f'<li><svg class="map-legend__swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{STATUS_COLOURS[status]}"/></svg>'
        f'<span class="map-legend__count">{counts[status]}</span> '
        f"{status_label(status, counts[status])}</li>"
        for status in CcmStatus
    )
    other = (
        '<li><svg class="map-legend__swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{NOT_COVERED}" stroke="{BORDER}"/></svg>'
        "Not among the 197 States (e.g. Antarctica, Western Sahara, Taiwan)</li>"
    )
    table = (
        f' <a href="{escape(table_href)}">The same facts as a list of States</a>.'
        if table_href
        else ""
    )
    return (
        f'<ul class="map-legend">{items}{other}</ul>'
        '<p class="map-note">Small States are shown as dots. Point at a State for its name and '
        f"status.{table}</p>"
    )


def render_world_map(
    states: Iterable[Any],
    *,
    title_id: str,
    link: Callable[[Any], str] | None = None,
    table_href: str | None = None,
) -> Markup:
    """A figure: the map (each State a shape or a dot, coloured and named), its legend with the
    counts by status, and a pointer to the same facts as a table. `link(state)` makes each
    State a link, for signed-in pages."""
    places = tuple(
        Place(s.m49_code or "", s.iso3, s.name, s.ccm_status, link(s) if link else None)
        for s in states
    )
    return _figure(places, title_id, link is not None, table_href)


@lru_cache(maxsize=8)
def _figure(
    places: tuple[Place, ...], title_id: str, linked: bool, table_href: str | None
) -> Markup:
    """The figure of these places, written once per process for each set of them: names and
    statuses rarely change, while writing hundreds of shapes on every page view is slow."""
    data = map_data()
    shapes, markers = [], []
    counts: Counter[CcmStatus] = Counter()
    for place in places:
        entry = data["states"].get(place.m49_code)
        if entry is None:
            continue
        counts[place.status] += 1
        target = markers if entry.get("marker") else shapes
        target.append(_shape(place, entry))
    title = "World map of the States by their status towards the Convention on Cluster Munitions"
    # An image whose parts are links would hide them from assistive technologies: a map of
    # links is a group of them instead, each named by its title.
    role = "group" if linked else "img"
    svg = (
        f'<svg class="world-map__svg" viewBox="0 0 {data["width"]} {data["height"]}" '
        f'role="{role}" aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{title}</title>'
        f'<path class="map-ocean" d="{data["outline"]}" fill="{OCEAN}"/>'
        f'<g fill="{NOT_COVERED}" stroke="{BORDER}" stroke-width=".25" '
        'stroke-linejoin="round">'
        f"{_others()}{''.join(shapes)}</g>"
        f'<g stroke="{MARKER_EDGE}" stroke-width=".6">{"".join(markers)}</g></svg>'
    )
    return Markup(  # noqa: S704 (names escaped above; the paths are our own data)
        f'<figure class="world-map">{svg}<figcaption class="world-map__caption">'
        f"{_legend(counts, table_href)}</figcaption></figure>"
    )
