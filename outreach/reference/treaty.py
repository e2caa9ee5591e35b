"""The Convention's date rules (Articles 17 and 20)."""

from __future__ import annotations

import datetime as dt

# The 30th instrument was deposited on 16 Feb 2010; the first 30 all entered into force together.
THIRTIETH_DEPOSIT = dt.date(2010, 2, 16)
CONVENTION_IN_FORCE = dt.date(2010, 8, 1)


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) + months
    return index // 12, index % 12 + 1


def entry_into_force(consent_date: dt.date) -> dt.date:
    """Article 17: the first day of the sixth month after the month of deposit (1 Aug 2010 at the
    earliest)."""
    if consent_date <= THIRTIETH_DEPOSIT:
        return CONVENTION_IN_FORCE
    year, month = _add_months(consent_date, 6)
    return dt.date(year, month, 1)


def withdrawal_takes_effect(notification_date: dt.date) -> dt.date:
    """Article 20: a withdrawal takes effect six months after its notification."""
    year, month = _add_months(notification_date, 6)
    day = notification_date.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1
