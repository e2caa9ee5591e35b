"""Tags and expertise keywords: typed freely, stored once whatever their case or accents."""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from outreach.directory.models import Keyword, Tag
from outreach.directory.search import fold
from outreach.extensions import db

SEPARATORS = re.compile(r"[,;\n]")


def split_labels(text: str | None) -> list[str]:
    """ "3RC, donor; Geneva" -> ["3RC", "donor", "Geneva"], without blanks or repeats."""
    seen: dict[str, str] = {}
    for part in SEPARATORS.split(text or ""):
        label = " ".join(part.split())[:60]
        if label and fold(label) not in seen:
            seen[fold(label)] = label
    return list(seen.values())


def _resolve(model: type[Tag] | type[Keyword], names: Iterable[str]) -> list:
    wanted = {fold(n): n for n in names if fold(n)}
    if not wanted:
        return []
    existing = {
        row.key: row for row in db.session.scalars(sa.select(model).where(model.key.in_(wanted)))
    }
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = model(name=name, key=key)
            db.session.add(existing[key])
    return [existing[key] for key in wanted]


def resolve_tags(names: Iterable[str]) -> list[Tag]:
    """The tags of these names, created when new (the caller commits)."""
    return _resolve(Tag, names)


def resolve_keywords(names: Iterable[str]) -> list[Keyword]:
    """The expertise keywords of these names, created when new (the caller commits)."""
    return _resolve(Keyword, names)


def all_tags() -> list[Tag]:
    """Every tag, alphabetically."""
    return list(db.session.scalars(sa.select(Tag).order_by(Tag.key)))
