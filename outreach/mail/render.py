"""Render a message's text and HTML bodies from `templates/mail/<name>.<language>.{txt,html}`."""

from __future__ import annotations

from typing import Any

from flask import render_template
from jinja2 import TemplateNotFound


def render_bodies(name: str, language: str, **context: Any) -> tuple[str, str]:
    """The (text, html) bodies of a message in the language, or in English if not translated."""
    for lang in dict.fromkeys((language, "en")):
        try:
            text = render_template(f"mail/{name}.{lang}.txt", language=lang, **context)
            html = render_template(f"mail/{name}.{lang}.html", language=lang, **context)
        except TemplateNotFound:
            continue
        return text, html
    raise TemplateNotFound(f"mail/{name}.en.txt")
