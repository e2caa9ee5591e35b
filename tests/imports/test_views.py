"""The import pages: upload, match columns, preview, import, batches and undo; who may use them;
hostile files get a clear message, never a 500."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.imports.models import ImportBatch, ImportMapping, ImportUpload
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_user
from tests.imports.conftest import post_file, upload, upload_token

MESSY = (
    "Nom;Prénom;Courriel;Pays;Organisation;Remarque\n"
    "Pérez;Ana;ana@example.org;CHE;Permanent Mission of Switzerland;VIP\n"
    ";Sans nom;sans@example.org;FRA;;\n"
    "Doe;Jo;not-an-email;;;\n"
    "Roe;Ri;ri@example.org;Atlantis;;\n"
    "Lee;Li;li@example.org;FR;UNMAS;\n"
).encode()


def page(response) -> str:
    return response.get_data(as_text=True)


def contacts_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


def map_columns(client, token: str, fields: list[str]):
    data = {f"column_{i}": name for i, name in enumerate(fields)}
    data["csrf_token"] = csrf_token(client, f"/import/{token}/map")
    return client.post(f"/import/{token}/map", data=data)


def test_the_upload_page_shows_the_limits(signed_in):
    html = page(signed_in.get("/import"))
    assert "At most 5 MB and 20,000 rows" in html
    assert 'enctype="multipart/form-data"' in html


def test_a_messy_file_goes_through_mapping_preview_import_and_undo(signed_in):
    token = upload_token(signed_in, MESSY)
    mapping_page = page(signed_in.get(f"/import/{token}/map"))
    assert "5 rows and 6 columns" in mapping_page
    assert "UTF-8, columns separated by semicolons" in mapping_page
    assert re.search(r'<option selected value="last_name">', mapping_page)
    response = map_columns(
        signed_in, token, ["last_name", "first_name", "emails", "state", "organisation", "notes"]
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/import/{token}/preview"
    preview = page(signed_in.get(f"/import/{token}/preview"))
    assert "with problems, not imported" in preview
    assert "Enter the family name" in preview
    assert "not-an-email" in preview
    assert "Unknown State “Atlantis”" in preview
    assert "Permanent Mission of Switzerland (Switzerland)" in preview  # to be created
    token_field = csrf_token(signed_in, f"/import/{token}/preview")
    response = signed_in.post(
        f"/import/{token}/run", data={"on_duplicate": "skip", "csrf_token": token_field}
    )
    assert response.status_code == 302
    batch = db.session.scalar(sa.select(ImportBatch))
    assert response.headers["Location"] == f"/import/batches/{batch.id}"
    assert (batch.created_count, batch.skipped_count) == (2, 3)
    result = page(signed_in.get(response.headers["Location"]))
    assert "Imported: 2 created, 0 updated, 3 not imported." in result
    assert "Rows not imported" in result and "Unknown State" in result
    assert contacts_count() == 2
    assert db.session.scalar(sa.select(ImportUpload)) is None  # the file is forgotten
    assert signed_in.get(f"/import/{token}/preview").status_code == 404
    assert batch.filename in page(signed_in.get("/import/batches"))
    undo = signed_in.post(
        f"/import/batches/{batch.id}/undo",
        data={"csrf_token": csrf_token(signed_in, "/import")},
    )
    assert undo.status_code == 302
    assert "Import undone: 2 deleted, 0 restored." in page(signed_in.get(undo.headers["Location"]))
    assert contacts_count() == 0


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_headers(signed_in, staff):
    headers = "Family;Given;Mail\n"
    token = upload_token(signed_in, (headers + "Doe;Jo;jo@example.org\n").encode())
    assert page(signed_in.get(f"/import/{token}/map")).count("selected value=") == 3
    map_columns(signed_in, token, ["last_name", "first_name", "emails"])
    stored = db.session.scalar(sa.select(ImportMapping).where(ImportMapping.user_id == staff.id))
    assert stored.mapping == {"family": "last_name", "given": "first_name", "mail": "emails"}
    second = upload_token(signed_in, (headers + "Roe;Ri;ri@example.org\n").encode())
    html = page(signed_in.get(f"/import/{second}/map"))
    assert '<option selected value="last_name">' in html
    assert '<option selected value="first_name">' in html


def test_a_mapping_without_the_last_name_is_refused_on_the_page(signed_in):
    token = upload_token(signed_in, MESSY)
    response = map_columns(signed_in, token, ["", "first_name", "emails", "", "", ""])
    assert response.status_code == 422
    assert "Choose the column that holds Last name." in page(response)


def test_nothing_to_import_keeps_the_file_and_says_so(signed_in):
    token = upload_token(signed_in, b"Last name,Email\n,a@example.org\n")
    html = page(signed_in.get(f"/import/{token}/preview"))
    assert "There is nothing to import" in html
    response = signed_in.post(
        f"/import/{token}/run",
        data={"on_duplicate": "skip", "csrf_token": csrf_token(signed_in, "/import")},
    )
    assert response.headers["Location"] == f"/import/{token}/preview"
    again = signed_in.get(response.headers["Location"])
    assert again.status_code == 200
    assert "Nothing was imported: every row has a problem" in page(again)
    assert db.session.scalar(sa.select(ImportUpload)) is not None
    assert db.session.scalar(sa.select(ImportBatch)) is None


def test_duplicates_are_listed_and_updated_when_chosen(signed_in):
    upload_token(signed_in, b"Last name,Email\nDoe,jo@example.org\n")
    first = upload_token(signed_in, b"Last name,Email\nDoe,jo@example.org\n")
    signed_in.post(
        f"/import/{first}/run",
        data={"on_duplicate": "skip", "csrf_token": csrf_token(signed_in, "/import")},
    )
    token = upload_token(signed_in, b"Last name,Email,Notes\nDoe,JO@example.org,updated\n")
    html = page(signed_in.get(f"/import/{token}/preview"))
    assert "already in Outreach" in html and "same email" in html
    assert 'value="update"' in html
    signed_in.post(
        f"/import/{token}/run",
        data={"on_duplicate": "update", "csrf_token": csrf_token(signed_in, "/import")},
    )
    assert db.session.scalar(sa.select(Contact.notes)) == "updated"
    assert contacts_count() == 1


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"Last name\nDo\x00e\n", "nul.csv", "Line 2 has a NUL byte"),
        ("Nom\n\x81\x8d".encode("latin-1"), "odd.csv", "The file is not UTF-8 or Windows-1252"),
        (b"Doe,jo@example.org\n", "noheader.csv", "The first row holds data"),
        (b"Last name|Email\nDoe|jo@example.org\n", "pipes.csv", "separated by “|”"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "Old Excel files (.xls)"),
        (b"Last name\n" + b"Doe\n" * 20_001, "many.csv", "The file has more than 20,000 rows"),
        (b"Last name,Notes\nDoe," + b"x" * 40_000 + b"\n", "huge.csv", "has 40,000 characters"),
    ],
)
def test_hostile_files_get_a_clear_message_and_no_500(signed_in, content, filename, message):
    response = upload(signed_in, content, filename)
    assert response.status_code == 422
    assert message in page(response)
    assert db.session.scalar(sa.select(ImportUpload)) is None


def test_a_zip_renamed_csv_is_refused(signed_in):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("secret.txt", "hello")
    response = upload(signed_in, buffer.getvalue(), "people.csv")
    assert response.status_code == 422
    assert "The file is a ZIP archive, not a CSV or XLSX file" in page(response)


def test_a_file_over_the_import_limit_is_refused_with_the_limit(signed_in):
    content = b"Last name\n" + b"Doe\n" * (6 * 1024 * 1024 // 4)  # 6 MB: under the request limit
    response = upload(signed_in, content, "big.csv")
    assert response.status_code == 422
    assert "The file is larger than 5 MB, the limit" in page(response)


def test_a_50_mb_upload_gets_the_styled_413_page(signed_in):
    token = csrf_token(signed_in, "/import")
    content = b"Last name\n" + b"x" * (50 * 1024 * 1024)
    response = post_file(
        signed_in, "/import", {"kind": "contacts", "csrf_token": token}, content, "big.csv"
    )
    assert response.status_code == 413
    html = page(response)
    assert "Error 413" in html and 'class="site-header"' in html
    assert db.session.scalar(sa.select(ImportUpload)) is None


def test_a_token_belongs_to_the_user_who_uploaded(signed_in, app):
    token = upload_token(signed_in, MESSY)
    make_user("other@isu.example", "staff")
    other = AuthActions(app.test_client())
    other.login("other@isu.example")
    for path in (f"/import/{token}/map", f"/import/{token}/preview"):
        assert other.client.get(path).status_code == 404
    response = other.client.post(
        f"/import/{token}/run",
        data={"on_duplicate": "skip", "csrf_token": csrf_token(other.client, "/import")},
    )
    assert response.status_code == 404
    assert signed_in.get("/import/not-a-token/map").status_code == 404
    assert contacts_count() == 0


def test_coordinators_cannot_import_or_undo(client, auth, coordinator):
    auth.login(coordinator.email)
    assert client.get("/import").status_code == 403
    assert client.get("/import/batches").status_code == 403
    token = csrf_token(client, "/account")
    assert client.post("/import", data={"csrf_token": token}).status_code == 403
    assert client.post("/import/batches/1/undo", data={"csrf_token": token}).status_code == 403
    assert 'href="/import"' not in page(client.get("/"))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/import")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_unknown_batch_is_404(signed_in):
    assert signed_in.get("/import/batches/999").status_code == 404
    token = csrf_token(signed_in, "/import")
    assert signed_in.post("/import/batches/999/undo", data={"csrf_token": token}).status_code == 404


def test_undo_refused_shows_why(signed_in):
    from outreach.audit.services import acting_as
    from outreach.contacts.services import ContactData, update_contact

    token = upload_token(signed_in, b"Last name,Email\nDoe,jo@example.org\n")
    signed_in.post(
        f"/import/{token}/run",
        data={"on_duplicate": "skip", "csrf_token": csrf_token(signed_in, "/import")},
    )
    batch = db.session.scalar(sa.select(ImportBatch))
    doe = db.session.scalar(sa.select(Contact))
    with acting_as("test"):
        update_contact(
            doe, ContactData(last_name="Doe-Roe", emails=["jo@example.org"]), doe.version
        )
    response = signed_in.post(
        f"/import/batches/{batch.id}/undo",
        data={"csrf_token": csrf_token(signed_in, "/import")},
    )
    html = page(signed_in.get(response.headers["Location"]))
    assert "changed since the import, so it cannot be undone: Doe-Roe" in html
    assert contacts_count() == 1
