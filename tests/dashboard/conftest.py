"""Helpers of the dashboard tests: read the map's SVG and a page's HTML as elements."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db
from outreach.reference.models import State

SVG = "{http://www.w3.org/2000/svg}"


def map_svg(html: str) -> ET.Element:
    """The world map's <svg> element, parsed from a page or from the rendered figure."""
    match = re.search(r'<svg class="world-map__svg".*?</svg>', html, re.S)
    assert match, "no world map on the page"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own page)


def shapes(svg: ET.Element) -> dict[str, ET.Element]:
    """Each State's shape or dot, by ISO3 (fails when a State has two)."""
    found: dict[str, ET.Element] = {}
    for element in svg.iter():
        iso3 = element.get("data-iso3")
        if iso3:
            assert iso3 not in found, f"{iso3} drawn twice"
            found[iso3] = element
    return found


def title_of(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    return title.text if title is not None and title.text else ""


def states() -> list[State]:
    return list(db.session.scalars(sa.select(State).order_by(State.name)))


def state(iso3: str) -> Any:
    return db.session.scalar(sa.select(State).where(State.iso3 == iso3))
