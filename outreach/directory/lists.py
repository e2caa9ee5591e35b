"""Paging and sorting shared by the directory lists and their API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db

PER_PAGE_CHOICES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Page:
    """One page of a list, with what the pager needs."""

    items: Sequence[Any]
    total: int
    page: int
    per_page: int
    ids_on_page: list[int] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def page_numbers(args: Mapping[str, Any]) -> tuple[int, int]:
    """(page, per_page) from a query string; out-of-range values fall back to sensible ones."""
    page = max(1, min(_int(args.get("page"), 1), 100_000))
    per_page = _int(args.get("per_page"), DEFAULT_PER_PAGE)
    if per_page not in PER_PAGE_CHOICES:
        per_page = DEFAULT_PER_PAGE
    return page, per_page


def ordered(
    query: sa.Select[Any],
    sorts: Mapping[str, sa.ColumnElement[Any]],
    key: str,
    descending: bool,
    tiebreak: sa.ColumnElement[Any],
) -> sa.Select[Any]:
    """Order by an allowlisted sort key (unknown keys use the first), then by the tiebreak."""
    # Not `sorts.get(key) or …`: an SQL expression (lower(name), a CASE) has no truth value.
    column = sorts[key] if key in sorts else next(iter(sorts.values()))
    order = column.desc() if descending else column.asc()
    return query.order_by(order.nulls_last(), tiebreak)


def paginate(query: sa.Select[Any], page: int, per_page: int) -> Page:
    """Run one page of the query and count the whole."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    items = list(result.items)
    return Page(
        items=items,
        total=result.total or 0,
        page=page,
        per_page=per_page,
        ids_on_page=[item.id for item in items if hasattr(item, "id")],
    )
