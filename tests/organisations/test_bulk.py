"""Bulk actions on the rows selected in the list: tag, untag, archive, restore."""

from __future__ import annotations

import pytest

from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.organisations.services import tag_names
from tests.conftest import csrf_token
from tests.factories import make_organisation
from tests.organisations.pages import listed


@pytest.fixture
def ngos(app):
    """Three NGOs, the first already tagged "donor"."""
    return [
        make_organisation("Alpha NGO", tags=["donor"]),
        make_organisation("Beta NGO"),
        make_organisation("Gamma NGO"),
    ]


def _bulk(client, action: str, ids: list[int], tag: str = "", query: str = "") -> object:
    token = csrf_token(client, "/organisations/new")
    data = {"csrf_token": token, "action": action, "tag": tag, "ids": [str(i) for i in ids]}
    return client.post(f"/organisations/bulk{query}", data=data)


def _fresh(organisation: Organisation) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, organisation.id)


def test_tagging_the_selected_rows_adds_the_tag_to_them_only(signed_in, ngos):
    alpha, beta, gamma = ngos

    response = _bulk(signed_in, "tag", [alpha.id, beta.id], "3RC, donor", "?q=ngo&sort=kind")

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations?q=ngo&sort=kind"
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tagged 2 organisations with “3RC, donor”." in page
    assert tag_names(_fresh(alpha).tags) == ["3RC", "donor"]
    assert tag_names(_fresh(beta).tags) == ["3RC", "donor"]
    assert _fresh(gamma).tags == []


def test_untagging_archiving_and_restoring(signed_in, ngos):
    alpha, beta, gamma = ngos

    _bulk(signed_in, "untag", [alpha.id, beta.id], "DONOR")
    assert _fresh(alpha).tags == []

    response = _bulk(signed_in, "archive", [alpha.id, gamma.id])
    assert "Archived 2 organisations." in signed_in.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert listed(signed_in.get("/organisations?q=ngo")) == ["Beta NGO"]

    _bulk(signed_in, "restore", [gamma.id], query="?archived=y")
    assert listed(signed_in.get("/organisations?q=ngo")) == ["Beta NGO", "Gamma NGO"]
    assert _fresh(alpha).archived_at is not None


def test_without_a_selection_the_list_says_so_and_changes_nothing(signed_in, ngos):
    response = _bulk(signed_in, "archive", [])

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Select at least one organisation in the list." in html
    assert 'aria-invalid="true"' in html
    assert all(_fresh(ngo).archived_at is None for ngo in ngos)


def test_tagging_without_a_tag_keeps_the_selection_and_asks_for_the_tag(signed_in, ngos):
    alpha, beta, _ = ngos

    response = _bulk(signed_in, "tag", [beta.id], "  ")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the tag to add or remove." in html
    assert f'value="{beta.id}" id="select-{beta.id}" checked' in html
    assert f'value="{alpha.id}" id="select-{alpha.id}" aria-label' in html


def test_an_unknown_action_or_hostile_ids_change_nothing(signed_in, ngos):
    alpha = ngos[0]
    assert _bulk(signed_in, "delete", [alpha.id]).status_code == 422
    token = csrf_token(signed_in, "/organisations/new")
    response = signed_in.post(
        "/organisations/bulk",
        data={"csrf_token": token, "action": "archive", "ids": ["1 OR 1=1", "-1", "9" * 40, ""]},
    )
    assert response.status_code == 422
    assert _fresh(alpha).archived_at is None


def test_the_return_address_stays_on_this_site(signed_in, ngos):
    response = _bulk(
        signed_in, "archive", [ngos[0].id], query="?_external=1&_scheme=javascript&q=ngo"
    )
    assert response.headers["Location"] == "/organisations?q=ngo"


def test_a_bulk_action_without_the_csrf_token_is_refused(signed_in, ngos):
    response = signed_in.post(
        "/organisations/bulk", data={"action": "archive", "ids": [ngos[0].id]}
    )
    assert response.status_code == 400
    assert _fresh(ngos[0]).archived_at is None


def test_hostile_tags_and_ids_get_a_message_not_an_error(signed_in, ngos):
    alpha = ngos[0]

    only_nul = _bulk(signed_in, "tag", [alpha.id], "\x00")
    unicode_digits = _bulk(signed_in, "archive", ["²", "١٢"])  # digits, but not ids
    with_nul = _bulk(signed_in, "tag", [alpha.id], "do\x00nor, 3RC")

    assert only_nul.status_code == 422
    assert "Enter the tag to add or remove." in only_nul.get_data(as_text=True)
    assert unicode_digits.status_code == 422
    assert with_nul.status_code == 302
    assert tag_names(_fresh(alpha).tags) == ["3RC", "donor"]
