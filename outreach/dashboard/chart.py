"""A stacked bar chart of the instruments deposited each year, as inline SVG."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from outreach.dashboard.services import YearOfConsents
from outreach.reference.models import ConsentType

# Okabe–Ito again: apart for every common colour-vision deficiency, and apart in lightness.
TYPE_COLOURS = {
    ConsentType.RATIFICATION: "#0072b2",
    ConsentType.ACCEPTANCE: "#56b4e9",
    ConsentType.APPROVAL: "#009e73",
    ConsentType.ACCESSION: "#e69f00",
}
TYPE_PLURALS = {
    ConsentType.RATIFICATION: "ratifications",
    ConsentType.ACCEPTANCE: "acceptances",
    ConsentType.APPROVAL: "approvals",
    ConsentType.ACCESSION: "accessions",
}
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 32, 8, 10, 26
INK, GRID = "#1b1f24", "#d0d7de"


def types_used(years: list[YearOfConsents]) -> list[ConsentType]:
    """The instrument types that occur at least once, in the usual order."""
    return [kind for kind in ConsentType if any(y.by_type.get(kind) for y in years)]


def _scale_top(highest: int) -> tuple[int, int]:
    """A round top for the axis and its step (5 or 10 per line)."""
    step = 5 if highest <= 30 else 10
    return max(step, math.ceil(highest / step) * step), step


def _grid(top: int, step: int, plot_height: float) -> list[str]:
    lines = []
    for value in range(0, top + 1, step):
        y = TOP + plot_height - value / top * plot_height
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    return lines


def _bar(
    year: YearOfConsents, kinds: list[ConsentType], x: float, width: float, unit: float
) -> str:
    base = TOP + (HEIGHT - TOP - BOTTOM)
    parts = [f'<g class="chart-bar" data-year="{year.year}" data-total="{year.total}">']
    for kind in kinds:
        count = year.by_type.get(kind, 0)
        if not count:
            continue
        height = count * unit
        base -= height
        label = f"{year.year}: {count} {TYPE_PLURALS[kind] if count != 1 else kind.value}"
        parts.append(
            f'<rect x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{TYPE_COLOURS[kind]}"><title>{escape(label)}</title></rect>'
        )
    parts.append(
        f'<text x="{x + width / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{year.year if width >= 18 else f'’{year.year % 100:02d}'}</text></g>"
    )
    return "".join(parts)


def render_consent_chart(years: list[YearOfConsents], *, title_id: str) -> Markup:
    """The chart with its title (id `title_id`) and legend; the page adds the data table."""
    kinds = types_used(years)
    top, step = _scale_top(max((y.total for y in years), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(years))
    width = slot * 0.7
    bars = [
        _bar(year, kinds, LEFT + i * slot + (slot - width) / 2, width, plot_height / top)
        for i, year in enumerate(years)
    ]
    title = "Instruments of ratification, acceptance, approval and accession deposited per year"
    svg = (
        f'<svg class="consent-chart__svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="11" fill="{INK}"><title id="{title_id}">{title}</title>'
        f"{''.join(_grid(top, step, plot_height))}{''.join(bars)}</svg>"
    )
    legend = "".join(
        f'<li><svg class="map-legend__swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{TYPE_COLOURS[kind]}"/></svg>'
        f"{kind.value.capitalize()}</li>"
        for kind in kinds
    )
    return Markup(f'{svg}<ul class="map-legend">{legend}</ul>')  # noqa: S704 (our own numbers)
