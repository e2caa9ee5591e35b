"""Reading the directory pages as a person does: the States listed, the counts, the text."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

ROW = re.compile(r'href="/states/([A-Z]{3})"')
COUNT = re.compile(r'href="/states\?status=([a-z_]+)[^"]*"[^>]*>[^<]*<strong>(\d+)</strong>')
TAG = re.compile(r"<[^>]+>")


def listed_states(response: Any) -> list[str]:
    """The ISO3 codes of the States a list page links to, in the order shown."""
    assert response.status_code == 200
    return ROW.findall(response.get_data(as_text=True))


def shown_counts(html: str) -> dict[str, int]:
    """The number shown next to each CCM status on the States page."""
    return {status: int(count) for status, count in COUNT.findall(html)}


def text(html: str) -> str:
    """The text of a page or part of it, without tags, on one line."""
    return (
        " ".join(html_lib.unescape(TAG.sub(" ", html)).split())
        .replace(" ;", ";")
        .replace(" .", ".")
    )


def section(html: str, heading_id: str) -> str:
    """The part of a page from the heading with this id to the end of its section."""
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def facts(html: str) -> dict[str, str]:
    """The facts on a State's page by the first word of their label ("Signature", "Consent"…)."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section(html, "facts-title"), re.S)
    return {text(label).split()[0]: text(value) for label, value in pairs}
