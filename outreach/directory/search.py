"""Search that ignores case and accents, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced text: "Côte d'Ivoire" becomes "cote d'ivoire"."""
    if not text:
        return ""
    # NUL is dropped: PostgreSQL cannot hold it in text, and a query holding one fails there.
    decomposed = unicodedata.normalize("NFKD", text.replace("\x00", ""))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


def search_text(*parts: str | None) -> str:
    """The folded text a record is found by (kept in its search_text column)."""
    return fold(" ".join(p for p in parts if p))


def matches(column: sa.ColumnElement[str], query: str | None) -> sa.ColumnElement[bool] | None:
    """Every word of the query appears in the folded column; % and _ are plain characters."""
    words = fold(query).split()[:10]
    if not words:
        return None
    return sa.and_(*(column.contains(word, autoescape=True) for word in words))
