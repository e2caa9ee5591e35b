"""State names in the ISU's working languages, from the Unicode CLDR data shipped with Babel."""

from __future__ import annotations

from functools import cache

from babel import Locale

WORKING_LANGUAGES = ("en", "fr", "es")


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def state_name(iso2: str | None, fallback: str, language: str = "en") -> str:
    """The State's name in French or Spanish (CLDR); the UN English name otherwise."""
    if language == "en" or not iso2:
        return fallback
    return _territories(language).get(iso2.upper(), fallback)


def other_names(iso2: str | None) -> list[str]:
    """The State's CLDR names in the working languages (e.g. "Suisse", "Suiza", "Switzerland")."""
    if not iso2:
        return []
    names = (_territories(language).get(iso2.upper()) for language in WORKING_LANGUAGES)
    return [name for name in names if name]
