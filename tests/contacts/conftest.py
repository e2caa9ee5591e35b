"""Contacts tests sign in as ISU staff or as a coordinator, with a mission and a few people."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.extensions import db
from outreach.reference.models import State
from tests.factories import make_contact, make_organisation


@pytest.fixture
def signed_in(client: Any, auth: Any, staff: Any) -> Any:
    """The test client, signed in as a member of the ISU staff."""
    auth.login(staff.email)
    return client


@pytest.fixture
def as_coordinator(client: Any, auth: Any, coordinator: Any) -> Any:
    """The test client, signed in as a coordinator (read-only, never sees notes)."""
    auth.login(coordinator.email)
    return client


@pytest.fixture
def mission(app: Any) -> Any:
    """France's Permanent Mission in Geneva (France is a State Party, in Europe)."""
    return make_organisation(
        "Permanent Mission of France", kind="permanent_mission", state_iso3="FRA"
    )


@pytest.fixture
def ngo(app: Any) -> Any:
    """An NGO without a State."""
    return make_organisation("Humanity & Inclusion", kind="ngo")


@pytest.fixture
def helene(mission: Any) -> Any:
    """An ambassador with an accented name, emails, a phone, tags, expertise and notes."""
    return make_contact(
        "Dubois",
        "Hélène",
        organisation=mission,
        position="Ambassador",
        honorific="H.E.",
        emails=["helene.dubois@diplomatie.example", "h.dubois@mail.example"],
        phones=["022 917 12 34"],
        preferred_language="fr",
        tags=["3RC", "donor"],
        area_slugs=["universalization", "cooperation"],
        keywords=["non-technical survey"],
        notes="Confidential: prefers calls after 5pm.",
    )


def contact_ids(response: Any) -> list[int]:
    """The ids of the contacts a list page links to, in order."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else html
    return [int(i) for i in re.findall(r'<th scope="row">\s*<a href="/contacts/(\d+)"', body)]


def state(iso3: str) -> State:
    """A State by its code."""
    return db.session.scalar(sa.select(State).where(State.iso3 == iso3))
