"""Reading the organisation pages as a person does."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

ROW = re.compile(r'<th scope="row"><a href="/organisations/(\d+)">(.*?)</a>', re.S)
FORM_FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([a-z_]+)"', re.S)


def listed(response: Any) -> list[str]:
    """The names of the organisations a list page shows, in order."""
    assert response.status_code == 200, response.status_code
    return [html_lib.unescape(name) for _, name in ROW.findall(response.get_data(as_text=True))]


def form_values(html: str) -> dict[str, str]:
    """The values of the text inputs, text areas and selected options of a form page."""
    values: dict[str, str] = {}
    for match in re.finditer(r"<input([^>]*)>", html):
        attrs = dict(re.findall(r'([a-z_-]+)="([^"]*)"', match.group(1)))
        if "name" in attrs and attrs.get("type") not in ("checkbox", "submit"):
            values[attrs["name"]] = html_lib.unescape(attrs.get("value", ""))
    for name, text in re.findall(
        r'<textarea[^>]*name="([a-z_]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        values[name] = html_lib.unescape(text).lstrip("\r\n")
    for name, body in re.findall(r'<select[^>]*name="([a-z_]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body
        )
        values[name] = (
            html_lib.unescape(next(g for g in chosen.groups() if g is not None)) if chosen else ""
        )
    return values
