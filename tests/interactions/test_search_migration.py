"""Interactions logged before the list searched a folded copy of their texts are found by the
search once the database is upgraded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import Interaction
from tests.core.test_migrations import _flask_db
from tests.core.test_migrations import database_url as database_url  # an empty database


def test_interactions_logged_before_the_upgrade_are_found_by_the_search(app: Any, runner: Any):
    _flask_db(runner, "upgrade", "0005")
    now = dt.datetime(2026, 1, 15, 9, 0)
    db.session.execute(
        sa.text(
            "INSERT INTO interaction (kind, occurred_on, subject, summary, outcome, sensitivity, "
            "version, created_at, updated_at) VALUES ('meeting', :day, :subject, :summary, "
            "'', 'normal', 1, :now, :now)"
        ),
        {
            "day": dt.date(2026, 1, 15),
            "subject": "Démarche à JAKARTA",
            "summary": "Côte d'Ivoire\nwill  consider",
            "now": now,
        },
    )
    db.session.commit()

    _flask_db(runner, "upgrade")

    folded = db.session.scalar(sa.select(Interaction.search_text))
    assert folded == "demarche a jakarta cote d'ivoire will consider"
    for query in ("demarche jakarta", "CÔTE d'ivoire", "will consider"):
        found = services.find_interactions(services.InteractionFilters(q=query), None)
        assert found.total == 1, query
