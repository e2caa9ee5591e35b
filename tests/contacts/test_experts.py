"""The Experts page: people with expertise by thematic area, filtered by area and keyword."""

from __future__ import annotations

from tests.factories import make_contact


def test_experts_are_listed_under_each_of_their_areas_with_keywords(signed_in, helene):
    make_contact("Nobody", "Without expertise")
    html = signed_in.get("/experts").get_data(as_text=True)

    universalization = html.split('id="area-universalization"', 1)[1].split("</section>", 1)[0]
    cooperation = html.split('id="area-cooperation"', 1)[1].split("</section>", 1)[0]
    assert "H.E. Hélène Dubois" in universalization and "H.E. Hélène Dubois" in cooperation
    assert "non-technical survey" in universalization
    assert "Permanent Mission of France" in universalization
    assert "Nobody" not in html
    assert "<strong>1</strong> expert found." in html


def test_filtering_by_area_and_keyword(signed_in, helene):
    make_contact("Clear", "Expert", area_slugs=["clearance"], keywords=["Survey of land"])

    by_area = signed_in.get("/experts?area=clearance").get_data(as_text=True)
    assert "Clear" in by_area and "Dubois" not in by_area
    by_keyword = signed_in.get("/experts?keyword=SURVEY").get_data(as_text=True)
    assert "Clear" in by_keyword and "Dubois" in by_keyword
    technical = signed_in.get("/experts?keyword=non-technical").get_data(as_text=True)
    assert "Dubois" in technical and "Clear Expert" not in technical


def test_archived_experts_and_hostile_filters(signed_in, auth, helene):
    auth.post(f"/contacts/{helene.id}/archive", {}, form_page=f"/contacts/{helene.id}")
    assert "Dubois" not in signed_in.get("/experts").get_data(as_text=True)
    for query in ("?area=<script>", "?keyword=%00", "?keyword=" + "x" * 3000, "?area=x';--"):
        assert signed_in.get("/experts" + query).status_code == 200


def test_the_experts_shown_download_once_each_as_csv(signed_in, helene):
    make_contact("Clear", "Expert", area_slugs=["clearance"], keywords=["Survey of land"])

    response = signed_in.get("/experts/export.csv?keyword=survey")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="experts-')
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Honorific,First name,Last name")
    assert len(lines) == 1 + 2  # Hélène is in two areas but downloads once
    assert sum("Dubois" in line for line in lines) == 1
