"""Import tests: a signed-in staff client, an upload helper, and records made through the
directory's services."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from outreach.audit.services import acting_as
from outreach.contacts.services import ContactData, PostingData, create_contact
from outreach.organisations.services import OrganisationData, create_organisation
from tests.conftest import csrf_token

TOKEN_RE = re.compile(r"/import/([A-Za-z0-9_-]+)/map")


@pytest.fixture
def signed_in(client: FlaskClient, auth: Any, staff: Any) -> FlaskClient:
    """The test client, signed in as a member of the ISU staff."""
    auth.login(staff.email)
    return client


def post_file(
    client: FlaskClient, path: str, fields: dict[str, str], content: bytes, name: str
) -> Any:
    """POST a multipart form with a file. The body is built in memory: the test client's own
    encoder spools large bodies to a temporary file that it never closes."""
    boundary = "----outreach-test-boundary"
    values = MultiDict({**fields, "file": FileStorage(io.BytesIO(content), filename=name)})
    _, body = encode_multipart(values, boundary)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(
    client: FlaskClient, content: bytes, filename: str = "people.csv", kind: str = "contacts"
) -> Any:
    """Send a file through the upload form; returns the response (a redirect when accepted)."""
    token = csrf_token(client, "/import")
    return post_file(client, "/import", {"kind": kind, "csrf_token": token}, content, filename)


def upload_token(client: FlaskClient, content: bytes, **kwargs: Any) -> str:
    """Upload a file that must be accepted, and return its token."""
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = TOKEN_RE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def new_organisation(name: str, kind: str = "ngo", **values: Any) -> Any:
    """An organisation created through its service."""
    with acting_as("test"):
        return create_organisation(OrganisationData(name=name, kind=kind, **values))


def new_contact(last_name: str, organisation: Any = None, position: str = "", **values: Any) -> Any:
    """A contact created through its service, posted at an organisation when given."""
    posting = PostingData(organisation.id, position) if organisation is not None else None
    with acting_as("test"):
        return create_contact(ContactData(last_name=last_name, **values), posting)
