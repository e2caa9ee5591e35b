"""A State's page lists its organisations (mission in Geneva, capital and others) and the people
in them now, and offers staff to create the Permanent Mission in one click."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from outreach.directory.models import Organisation, OrganisationKind
from outreach.extensions import db
from outreach.organisations import services
from tests.conftest import csrf_token
from tests.directory.pages import section, text
from tests.factories import make_organisation, make_posting

CREATE_BUTTON = "Create the Permanent Mission in Geneva"
MISSION_OF_CHILE = "Permanent Mission of Chile to the United Nations Office at Geneva"


def _missions(iso3: str) -> list[Organisation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Organisation.state)
            .where(
                Organisation.kind == OrganisationKind.PERMANENT_MISSION,
                Organisation.state.has(iso3=iso3),
            )
        )
    )


def _organisations_section(client, iso3: str) -> str:
    response = client.get(f"/states/{iso3}")
    assert response.status_code == 200
    return section(response.get_data(as_text=True), "organisations-title")


def test_the_mission_and_the_capital_are_listed_apart_with_the_people_there_now(signed_in):
    mission = make_organisation("Mission of Peru", kind="permanent_mission", state_iso3="PER")
    ministry = make_organisation(
        "Ministerio de Relaciones Exteriores", kind="ministry", state_iso3="PER"
    )
    centre = make_organisation(
        "CONTRAMINAS", acronym="CM", kind="mine_action_authority", state_iso3="PER"
    )
    make_organisation("Closed office", kind="ministry", state_iso3="PER")
    services.set_archived(
        db.session.scalar(sa.select(Organisation).filter_by(name="Closed office")), True
    )
    ambassador = make_posting(mission, "Quispe", "Ana", "Ambassador", honorific="H.E.")
    make_posting(mission, "Rojas", "Luis", "Counsellor", end_date=dt.date(2021, 6, 30))
    make_posting(centre, "Zapata", "Raúl", "Director")
    make_organisation("Mission of Chile", kind="permanent_mission", state_iso3="CHL")

    html = _organisations_section(signed_in, "PER")
    geneva = text(html.split('id="mission-title"', 1)[1].split('id="capital-title"', 1)[0])
    capital = text(html.split('id="capital-title"', 1)[1].split('id="people-title"', 1)[0])
    people = text(html.split('id="people-title"', 1)[1])

    assert "Mission in Geneva" in text(html)
    assert "Mission of Peru" in geneva
    assert "Ministerio" not in geneva
    assert "Ministerio de Relaciones Exteriores · Ministry or capital authority" in capital
    assert "CONTRAMINAS (CM) · National mine action authority or centre" in capital
    assert "Closed office" not in html
    assert "Mission of Chile" not in html
    assert "H.E. Ana Quispe Ambassador Mission of Peru" in people
    assert "Raúl Zapata Director CM" in people
    assert "Rojas" not in people
    assert f'<a href="/contacts/{ambassador.contact.id}">H.E. Ana Quispe</a>' in html
    assert f'href="/organisations/{ministry.id}"' in html
    assert 'href="/organisations?state=PER"' in html
    assert CREATE_BUTTON not in html


def test_a_state_without_organisations_says_so_in_each_part(signed_in):
    page = text(_organisations_section(signed_in, "TUV"))

    assert "No Permanent Mission in Geneva is recorded." in page
    assert "No ministry, authority or other organisation is recorded." in page
    assert "No one is recorded as working for Tuvalu now." in page


def test_staff_create_the_permanent_mission_in_one_click_and_land_on_its_page(signed_in):
    assert CREATE_BUTTON in _organisations_section(signed_in, "CHL")
    token = csrf_token(signed_in, "/organisations/new")

    response = signed_in.post("/states/CHL/permanent-mission", data={"csrf_token": token})

    [mission] = _missions("CHL")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{mission.id}"
    assert mission.name == MISSION_OF_CHILE
    assert mission.kind == OrganisationKind.PERMANENT_MISSION
    assert mission.state.iso3 == "CHL"
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{MISSION_OF_CHILE} was added." in page
    html = _organisations_section(signed_in, "CHL")
    assert MISSION_OF_CHILE in html
    assert CREATE_BUTTON not in html


def test_a_double_click_creates_one_mission_only(signed_in):
    token = csrf_token(signed_in, "/organisations/new")

    first = signed_in.post("/states/chl/permanent-mission", data={"csrf_token": token})
    second = signed_in.post("/states/CHL/permanent-mission", data={"csrf_token": token})

    [mission] = _missions("CHL")
    assert first.headers["Location"] == second.headers["Location"] == f"/organisations/{mission.id}"
    page = signed_in.get(second.headers["Location"]).get_data(as_text=True)
    assert "Chile has a Permanent Mission already: this is it." in page


def test_an_archived_mission_is_pointed_to_instead_of_offering_a_new_one(signed_in):
    mission = make_organisation("Old mission of Chile", kind="permanent_mission", state_iso3="CHL")
    services.set_archived(mission, True)

    html = _organisations_section(signed_in, "CHL")

    assert "Its Permanent Mission is archived" in text(html)
    assert f'href="/organisations/{mission.id}"' in html
    assert CREATE_BUTTON not in html


def test_coordinators_see_the_organisations_but_no_button_and_cannot_create(
    client, auth, coordinator
):
    make_organisation("Ministry of Chile", kind="ministry", state_iso3="CHL")
    auth.login(coordinator.email)

    html = _organisations_section(client, "CHL")
    token = csrf_token(client, "/account")
    response = client.post("/states/CHL/permanent-mission", data={"csrf_token": token})

    assert "Ministry of Chile" in html
    assert CREATE_BUTTON not in html
    assert "Add an organisation" not in html
    assert response.status_code == 403
    assert _missions("CHL") == []


def test_an_unknown_state_is_not_found_and_nothing_is_created(signed_in):
    token = csrf_token(signed_in, "/organisations/new")
    for code in ("XXX", "FRANCE", "%3Cscript%3E"):
        response = signed_in.post(f"/states/{code}/permanent-mission", data={"csrf_token": token})
        assert response.status_code == 404, code
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Organisation.kind == OrganisationKind.PERMANENT_MISSION
            )
        )
        == 0
    )


def test_i1_markup_in_organisation_and_people_names_is_shown_as_text(signed_in):
    ministry = make_organisation('<script>alert("org")</script>', kind="ministry", state_iso3="CHL")
    make_posting(ministry, "<img src=x onerror=alert(1)>", '"><svg onload=alert(2)>', "<b>Head</b>")

    html = _organisations_section(signed_in, "CHL")

    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "<b>Head</b>" not in html
    assert "&lt;script&gt;alert(&#34;org&#34;)&lt;/script&gt;" in html


def test_the_state_page_issues_the_same_number_of_queries_with_many_organisations(
    signed_in, count_queries
):
    one = make_organisation("Only office", kind="ministry", state_iso3="PER")
    make_posting(one, "Solo", "Ana", "Director")
    for number in range(12):
        organisation = make_organisation(f"Office {number}", kind="ministry", state_iso3="CHL")
        make_posting(organisation, f"Person {number}", "A", "Officer")
        make_posting(organisation, f"Former {number}", "B", "Officer", end_date=dt.date(2020, 1, 1))
    signed_in.get("/states/PER")

    with count_queries() as few:
        signed_in.get("/states/PER")
    with count_queries() as many:
        signed_in.get("/states/CHL")

    assert few.count == many.count


def test_a_nul_byte_in_the_code_is_not_found(signed_in):
    token = csrf_token(signed_in, "/organisations/new")
    assert signed_in.get("/states/%00AB").status_code == 404
    assert (
        signed_in.post("/states/%00AB/permanent-mission", data={"csrf_token": token}).status_code
        == 404
    )
