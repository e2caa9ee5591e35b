"""A NUL character, which PostgreSQL cannot store, never causes a server error."""

import pytest
import sqlalchemy as sa

from outreach.core.access import public
from tests.factories import api_headers


@pytest.mark.parametrize("path", ["/states?region=%00", "/states?q=a%00b", "/contacts?q=%00"])
def test_a_nul_in_a_list_filter_finds_nothing_without_error(client, auth, staff, path):
    auth.login(staff.email)

    assert client.get(path).status_code == 200


def test_a_nul_in_an_api_filter_is_a_422_naming_the_field(client, staff):
    response = client.get("/api/v1/states?region=%00", headers=api_headers(staff.email))

    assert response.status_code == 422
    assert "NUL" in str(response.get_json()["errors"]["region"])


def test_a_value_the_database_refuses_is_a_clear_400_not_a_500(make_app):
    app = make_app(TESTING=False)

    @app.route("/_unstorable")
    @public
    def unstorable() -> str:
        raise sa.exc.DataError("INSERT …", {}, Exception("NUL"))

    with app.app_context():
        response = app.test_client().get("/_unstorable")

    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
