"""Importing a messy spreadsheet in the browser: upload, match the columns, see which rows are
wrong and why, import, undo; every page passes axe at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in

pytestmark = pytest.mark.browser

MESSY = (
    "Nom;Prénom;Courriel;Pays;Organisation;Remarque du stagiaire\n"
    "Pérez;Ana;ana@example.org;CHE;Permanent Mission of Switzerland;Met at the 13MSP\n"
    ";Sans nom;sans.nom@example.org;FRA;;\n"
    "Doe;Jo;not-an-email;;UNMAS;\n"
    "Roe;Ri;ri@example.org;Atlantis;;\n"
    'Lee;Li;li@example.org;fr;UNMAS;=HYPERLINK("http://evil.example")\n'
    "Lee;Li;LI@example.org;;;\n"
).encode("cp1252")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_messy_file_is_mapped_checked_imported_and_undone(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, live_server, STAFF["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import contacts or organisations")
    expect(page.locator("main")).to_contain_text("At most 5 MB and 20,000 rows")
    assert_sound(page, axe, page_log, "upload")

    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a CSV or XLSX file.")
    assert_sound(page, axe, page_log, "upload without a file")

    page.get_by_label("Contacts").check()
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "Annuaire Genève.csv", "mimeType": "text/csv", "buffer": MESSY}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns")
    expect(page.locator("main")).to_contain_text("6 rows and 6 columns")
    expect(page.locator("main")).to_contain_text("Windows-1252, columns separated by semicolons")
    expect(page.get_by_label("Field for the column Nom")).to_have_value("last_name")
    expect(page.get_by_label("Field for the column Courriel")).to_have_value("emails")
    expect(page.get_by_label("Field for the column Remarque du stagiaire")).to_have_value("")
    assert_sound(page, axe, page_log, "map")

    page.get_by_label("Field for the column Nom").select_option("")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the column that holds Last name.")
    assert_sound(page, axe, page_log, "map refused")

    page.get_by_label("Field for the column Nom").select_option("last_name")
    page.get_by_label("Field for the column Remarque du stagiaire").select_option("notes")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and import")
    problems = page.get_by_role("region", name="Table of rows with problems")
    expect(problems.get_by_role("row")).to_have_count(4)  # the heading row and three rows
    expect(problems).to_contain_text("Nom: Enter the family name")
    expect(problems).to_contain_text("Courriel: not-an-email")
    expect(problems).to_contain_text("Pays: Unknown State “Atlantis”")
    expect(page.locator("main")).to_contain_text("Permanent Mission of Switzerland (Switzerland)")
    expect(page.locator("main")).to_contain_text("row 7 (as row 6)")
    assert_sound(page, axe, page_log, "preview")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Imported: 2 created, 0 updated, 4 not imported."
    )
    expect(page.get_by_role("heading", name="Created")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ana Pérez")
    assert_sound(page, axe, page_log, "imported")

    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("status")).to_contain_text("Import undone: 2 deleted, 0 restored.")
    expect(page.locator("main")).to_contain_text("Undone")
    assert_sound(page, axe, page_log, "undone")

    page.get_by_role("link", name="Past imports").click()
    expect(page.get_by_role("row", name="Annuaire Genève.csv")).to_contain_text("Undone")
    assert_sound(page, axe, page_log, "past imports")
