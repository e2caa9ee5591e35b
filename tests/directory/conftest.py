"""The directory pages are read by signed-in users; these tests sign in as ISU staff."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import outreach.reference

DATA = Path(outreach.reference.__file__).parent / "data"


@pytest.fixture
def signed_in(client: Any, auth: Any, staff: Any) -> Any:
    """The test client, signed in as a member of the ISU staff."""
    auth.login(staff.email)
    return client


@pytest.fixture(scope="session")
def shipped() -> dict[str, dict[str, str]]:
    """Each shipped State row with its M49 region, by ISO3 code, read straight from the CSV."""
    with (DATA / "m49_regions.csv").open(encoding="utf-8", newline="") as handle:
        regions = {row["iso3"]: row for row in csv.DictReader(handle)}
    with (DATA / "ccm_states.csv").open(encoding="utf-8", newline="") as handle:
        return {row["iso3"]: {**row, **regions[row["iso3"]]} for row in csv.DictReader(handle)}
