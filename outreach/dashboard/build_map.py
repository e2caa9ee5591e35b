"""Convert Natural Earth country boundaries (world-atlas TopoJSON) into the map's data file.

Run once, when the boundaries change:
    python -m outreach.dashboard.build_map node_modules/world-atlas/countries-50m.json

Writes outreach/dashboard/data/world_map.json: per State (keyed by ISO 3166 / M49 numeric code)
an SVG path in the Equal Earth projection at 1000 px wide, or a marker when the State is too
small to see; plus a representative point for every State and the areas that are not States.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path
from typing import Any

WIDTH = 1000
MIN_STEP = 0.5  # px: points closer than this to the previous one are dropped
MARKER_AREA = 10.0  # px²: States smaller than this at 1000 px wide are drawn as markers
MIN_RING_AREA = 0.3  # px²: islands smaller than this vanish from shapes (large States only)
DATA = Path(__file__).parent / "data"
REGIONS_CSV = Path(__file__).parents[1] / "reference" / "data" / "m49_regions.csv"

# Areas that belong to one of the 197 States and take its colour (atlas name → M49 code).
PART_OF = {
    "Greenland": "208",  # Kingdom of Denmark
    "Faeroe Is.": "208",
    "Åland": "246",  # Finland
    "Hong Kong": "156",  # China
    "Macao": "156",
    "Somaliland": "706",  # Somalia, as the United Nations recognise it
    "N. Cyprus": "196",  # Cyprus, idem
}

# The atlas abbreviates; the map's hover text names areas in full.
FULL_NAMES = {
    "Br. Indian Ocean Ter.": "British Indian Ocean Territory",
    "British Virgin Is.": "British Virgin Islands",
    "Cayman Is.": "Cayman Islands",
    "Falkland Is.": "Falkland Islands (Malvinas)",
    "Fr. Polynesia": "French Polynesia",
    "Fr. S. Antarctic Lands": "French Southern and Antarctic Lands",
    "Heard I. and McDonald Is.": "Heard Island and McDonald Islands",
    "Indian Ocean Ter.": "Christmas Island and Cocos (Keeling) Islands",
    "N. Mariana Is.": "Northern Mariana Islands",
    "Pitcairn Is.": "Pitcairn Islands",
    "S. Geo. and the Is.": "South Georgia and the South Sandwich Islands",
    "St-Barthélemy": "Saint Barthélemy",
    "St-Martin": "Saint Martin",
    "St. Pierre and Miquelon": "Saint Pierre and Miquelon",
    "Turks and Caicos Is.": "Turks and Caicos Islands",
    "U.S. Virgin Is.": "United States Virgin Islands",
    "W. Sahara": "Western Sahara",
    "Wallis and Futuna Is.": "Wallis and Futuna",
}

# Where a marker goes when the atlas has no shape, or its largest island is not the main one
# (longitude, latitude of the capital).
KNOWN_POINTS = {
    "798": (179.19, -8.52),  # Tuvalu, Funafuti: no shape at 1:50m
    "296": (173.03, 1.33),  # Kiribati, Tarawa
    "584": (171.38, 7.09),  # Marshall Islands, Majuro
    "583": (158.16, 6.92),  # Micronesia, Palikir
    "184": (-159.78, -21.23),  # Cook Islands, Rarotonga
    "570": (-169.87, -19.05),  # Niue
    "585": (134.58, 7.50),  # Palau
    "520": (166.93, -0.53),  # Nauru
    "882": (-171.75, -13.76),  # Samoa
    "776": (-175.20, -21.14),  # Tonga
    "462": (73.51, 4.18),  # Maldives, Malé
    "690": (55.45, -4.62),  # Seychelles, Victoria
    "336": (12.45, 41.90),  # Holy See
    "674": (12.46, 43.94),  # San Marino
    "492": (7.42, 43.73),  # Monaco
    "438": (9.55, 47.14),  # Liechtenstein
    "020": (1.52, 42.51),  # Andorra
    "470": (14.45, 35.90),  # Malta
    "702": (103.82, 1.35),  # Singapore
    "048": (50.56, 26.07),  # Bahrain
}

# Equal Earth (Šavrič, Patterson, Jenny 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2 * math.sqrt(3) * math.pi / (3 * A1)
THETA_MAX = math.asin(M)
Y_MAX = A1 * THETA_MAX + A2 * THETA_MAX**3 + A3 * THETA_MAX**7 + A4 * THETA_MAX**9
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round(2 * Y_MAX * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth, in px of a WIDTH-wide map with the origin at the top left."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2, t6 = theta**2, theta**6
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return (x + X_MAX) * SCALE, (Y_MAX - y) * SCALE


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The arcs as (longitude, latitude) points: undo the delta encoding and the quantization,
    then simplify each arc once, so that neighbours sharing it still meet."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        qx = qy = 0
        points = []
        for dx, dy in arc:
            qx, qy = qx + dx, qy + dy
            points.append((qx * sx + tx, qy * sy + ty))
        arcs.append(simplify(points))
    return arcs


def simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop points that land closer than MIN_STEP px to the last kept one; keep both ends."""
    kept = [points[0]]
    last = project(*points[0])
    for point in points[1:-1]:
        xy = project(*point)
        if math.dist(xy, last) >= MIN_STEP:
            kept.append(point)
            last = xy
    kept.append(points[-1])
    return kept


def _crossings(points: list[tuple[float, float]]) -> list[int]:
    """Where a ring jumps across the antimeridian (from +180 to -180 or back)."""
    return [i for i in range(1, len(points)) if abs(points[i][0] - points[i - 1][0]) > 180]


def _clip(points: list[tuple[float, float]], edge: float, keep_west: bool) -> list:
    """The part of a ring on one side of the meridian `edge` (Sutherland–Hodgman)."""

    def inside(p: tuple[float, float]) -> bool:
        return p[0] <= edge if keep_west else p[0] >= edge

    def cut(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        return edge, a[1] + (b[1] - a[1]) * (edge - a[0]) / (b[0] - a[0])

    kept = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if inside(current):
            if not inside(previous):
                kept.append(cut(previous, current))
            kept.append(current)
        elif inside(previous):
            kept.append(cut(previous, current))
    return kept


def split_at_antimeridian(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring crossing ±180° (Russia, Fiji) as pieces on either side; a ring around a pole
    (Antarctica) closed along the pole instead of across the map."""
    jumps = _crossings(points)
    if not jumps:
        return [points]
    if len(jumps) % 2:  # around a pole: go down to it and back at the jump
        i = jumps[0]
        pole = -90.0 if points[i][1] < 0 else 90.0
        a, b = points[i - 1], points[i]
        return [[*points[:i], (a[0], pole), (b[0], pole), *points[i:]]]
    unwrapped, offset = [points[0]], 0.0
    for previous, current in zip(points, points[1:], strict=False):
        if abs(current[0] - previous[0]) > 180:
            offset += 360 if current[0] < previous[0] else -360
        unwrapped.append((current[0] + offset, current[1]))
    pieces = [_clip(_clip(unwrapped, 180, True), -180, False)]
    pieces.append([(x - 360, y) for x, y in _clip(unwrapped, 180, False)])
    pieces.append([(x + 360, y) for x, y in _clip(unwrapped, -180, True)])
    return [piece for piece in pieces if len(piece) >= 3]


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """Stitch a ring from its arcs (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list[tuple[float, float]]) -> float:
    """Signed area of a ring (shoelace)."""
    return sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=False)
    )


def centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid of a ring (its mean point when the ring is degenerate)."""
    a = area(points)
    if abs(a) < 1e-9:
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    pairs = list(zip(points, points[1:] + points[:1], strict=False))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (3 * a)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (3 * a)
    return cx, cy


def polygons(geometry: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> list[Any]:
    """The geometry's polygons, each a list of rings of projected points (a polygon cut by
    the antimeridian becomes one polygon per side)."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    projected = []
    for polygon in parts:
        outer, *holes = [ring(arcs, r) for r in polygon]
        pieces = split_at_antimeridian(outer)
        # No lake straddles the antimeridian: a cut polygon keeps no holes.
        for piece in pieces:
            rings = [piece, *holes] if len(pieces) == 1 else [piece]
            projected.append([[project(*p) for p in r] for r in rings])
    return projected


def tenths(value: float) -> int:
    return round(value * 10)


def number(t: int) -> str:
    """A value in tenths of a px as short SVG text: 12 → 1.2, -5 → -.5, 30 → 3."""
    text = f"{abs(t) // 10}.{abs(t) % 10}" if t % 10 else str(abs(t) // 10)
    text = text.removeprefix("0") if text.startswith("0.") else text
    return ("-" if t < 0 else "") + text


def pair(dx: int, dy: int) -> str:
    y = number(dy)
    return number(dx) + (y if y.startswith("-") else " " + y)


def path(rings: list[list[tuple[float, float]]]) -> str:
    """An SVG path of closed rings: an absolute move, then relative lines on a 0.1 px grid."""
    parts = []
    for points in rings:
        grid = [(tenths(x), tenths(y)) for x, y in points]
        if grid[0] == grid[-1]:
            grid.pop()
        unique = [p for i, p in enumerate(grid) if i == 0 or p != grid[i - 1]]
        if len(unique) < 3:
            continue
        x0, y0 = unique[0]
        steps = [pair(x1 - x, y1 - y) for (x, y), (x1, y1) in zip(unique, unique[1:], strict=False)]
        parts.append(f"M{pair(x0, y0)}l{' '.join(steps)}z")
    return "".join(parts)


def point(xy: tuple[float, float]) -> list[float]:
    return [round(xy[0], 1), round(xy[1], 1)]


def outline() -> str:
    """The edge of the projected globe (the ocean)."""
    east = [project(180, lat) for lat in range(90, -91, -2)]
    west = [project(-180, lat) for lat in range(-90, 91, 2)]
    return path([east + west])


def shapes_by_code(topology: dict[str, Any], codes: set[str]) -> tuple[dict, list]:
    """Rings grouped per State (parts merged in), and the areas that are not States."""
    arcs = decode_arcs(topology)
    states: dict[str, list] = {}
    others = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        code = PART_OF.get(name) or geometry.get("id")
        shape = polygons(geometry, arcs)
        if code in codes:
            states.setdefault(code, []).extend(shape)
        elif shape:
            others.append(
                {"name": FULL_NAMES.get(name, name), "d": path([r for p in shape for r in p])}
            )
    return states, sorted(others, key=lambda other: other["name"])


def state_entry(code: str, shape: list) -> dict[str, Any]:
    """A State's path (or marker) and representative point."""
    outer = [polygon[0] for polygon in shape]
    total = sum(abs(area(r)) for r in outer)
    if code in KNOWN_POINTS:
        rep = project(*KNOWN_POINTS[code])
    else:
        rep = centroid(max(outer, key=lambda r: abs(area(r)))) if outer else (0.0, 0.0)
    entry: dict[str, Any] = {"point": point(rep)}
    if total < MARKER_AREA:
        entry["marker"] = True
    else:
        kept = [r for p in shape for r in p if abs(area(r)) >= MIN_RING_AREA]
        entry["d"] = path(kept)
    return entry


def build(topology: dict[str, Any], source: str) -> dict[str, Any]:
    """The map's data: one entry per State, the areas that are not States, and the outline."""
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        codes = {row["m49_code"] for row in csv.DictReader(handle) if row["m49_code"]}
    shapes, others = shapes_by_code(topology, codes)
    missing = codes - shapes.keys() - KNOWN_POINTS.keys()
    if missing:
        raise SystemExit(f"No shape and no known point for {sorted(missing)}")
    return {
        "source": source,
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": HEIGHT,
        "outline": outline(),
        "states": {code: state_entry(code, shapes.get(code, [])) for code in sorted(codes)},
        "others": others,
    }


def main(argv: list[str]) -> None:
    """Read the TopoJSON file named on the command line; write the data file."""
    if len(argv) != 1:
        raise SystemExit(__doc__)
    source = Path(argv[0])
    topology = json.loads(source.read_text(encoding="utf-8"))
    package = source.parent / "package.json"
    version = json.loads(package.read_text())["version"] if package.exists() else "unknown"
    data = build(topology, f"Natural Earth via world-atlas {version} ({source.name})")
    DATA.mkdir(exist_ok=True)
    target = DATA / "world_map.json"
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    markers = sorted(code for code, entry in data["states"].items() if entry.get("marker"))
    print(f"Wrote {target} ({target.stat().st_size // 1024} KB); markers: {', '.join(markers)}")


if __name__ == "__main__":
    main(sys.argv[1:])
