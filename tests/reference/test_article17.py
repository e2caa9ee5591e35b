"""Entry into force under Article 17, checked on every row of the shipped data."""

import datetime as dt

import pytest

from outreach.reference.services import read_csv
from outreach.reference.treaty import entry_into_force, withdrawal_takes_effect

ROWS_WITH_BOTH_DATES = [
    row
    for row in read_csv("ccm_states.csv")
    if row["consent_date"] and row["entry_into_force_date"]
]


def test_the_data_has_many_rows_to_check():
    assert len(ROWS_WITH_BOTH_DATES) >= 110


@pytest.mark.parametrize("row", ROWS_WITH_BOTH_DATES, ids=lambda row: row["iso3"])
def test_entry_into_force_follows_article_17(row):
    consent = dt.date.fromisoformat(row["consent_date"])
    assert entry_into_force(consent) == dt.date.fromisoformat(row["entry_into_force_date"])


@pytest.mark.parametrize(
    ("deposit", "expected"),
    [
        (dt.date(2025, 9, 5), dt.date(2026, 3, 1)),  # Vanuatu
        (dt.date(2010, 2, 16), dt.date(2010, 8, 1)),  # the 30th instrument
        (dt.date(2008, 12, 3), dt.date(2010, 8, 1)),  # among the first 30
        (dt.date(2010, 2, 17), dt.date(2010, 8, 1)),  # first after the 30th: Feb + 6 months
        (dt.date(2010, 3, 31), dt.date(2010, 9, 1)),
        (dt.date(2023, 7, 31), dt.date(2024, 1, 1)),  # across a year end
        (dt.date(2023, 12, 1), dt.date(2024, 6, 1)),
    ],
)
def test_entry_into_force_examples(deposit, expected):
    assert entry_into_force(deposit) == expected


def test_a_withdrawal_takes_effect_six_months_after_notification():
    assert withdrawal_takes_effect(dt.date(2024, 9, 6)) == dt.date(2025, 3, 6)
    assert withdrawal_takes_effect(dt.date(2024, 8, 31)) == dt.date(2025, 2, 28)
