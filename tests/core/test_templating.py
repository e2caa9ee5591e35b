"""The address helper of list pages keeps the visitor's filters but never their URL options."""

import pytest

from outreach.core.templating import url_with


@pytest.mark.parametrize(
    "query",
    ["_external=1", "_scheme=javascript", "_anchor=x", "_method=POST", "iso3=XXX"],
)
def test_url_options_in_the_query_string_are_dropped(app, query):
    with app.test_request_context(f"/states/FRA?{query}&q=lao"):
        app.preprocess_request()
        link = url_with(page=2)
    assert link.startswith("/states/FRA?")
    assert "q=lao" in link and "page=2" in link
    assert "_" not in link.split("?", 1)[1].replace("per_page", "")
    assert "javascript" not in link and "XXX" not in link


def test_a_changed_filter_goes_back_to_the_first_page(app):
    with app.test_request_context("/states?status=signatory&page=3"):
        assert url_with(region="Africa") == "/states?status=signatory&region=Africa"
