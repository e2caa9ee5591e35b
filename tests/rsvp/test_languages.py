"""The invitee's pages and confirmation in French and Spanish, and every text translated."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from outreach.invitations.models import Answer, Sponsorship
from outreach.mail.models import MailPurpose
from outreach.mail.outbox import RENDERERS
from outreach.rsvp import forms
from outreach.rsvp.texts import FRENCH, SPANISH
from tests.rsvp.conftest import confirmations, make_invitee, post_answer

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def texts_in_templates() -> set[str]:
    found = set()
    for path in (ROOT / "templates" / "rsvp").glob("*.html"):
        if path.name in ("invitation.html", "feed_created.html", "_calendar_feed.html"):
            continue  # staff pages, in English
        for match in CALL.finditer(path.read_text()):
            found.add(match.group(1) or match.group(2))
    return found


def texts_in_code() -> set[str]:
    """The messages services write with Text(...), and the labels of the invitee's form."""
    found = set()
    for module in ("services.py", "forms.py"):
        tree = ast.parse((ROOT / "outreach" / "rsvp" / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Text":
                found.add(node.args[0].value)
    form = forms.AnswerForm.__dict__
    for name in ("answer", "sponsorship_requested", "sponsorship_note", "comments", "more"):
        found.add(form[name].args[0])
    found |= {label for _value, label in forms.ANSWER_CHOICES}
    found |= {forms.DelegateForm.__dict__[name].args[0] for name in ("name", "title", "email")}
    found |= {a.label for a in Answer} | {s.label for s in Sponsorship}
    return found


@pytest.mark.parametrize("catalog", [FRENCH, SPANISH], ids=["French", "Spanish"])
def test_every_text_an_invitee_reads_is_translated(catalog):
    wanted = texts_in_templates() | texts_in_code()
    assert len(wanted) > 50
    missing = sorted(wanted - set(catalog))
    assert missing == []
    for english, translated in catalog.items():
        assert re.findall(r"{\w+}", english) == re.findall(r"{\w+}", translated), english


def test_the_french_page(client, app):
    invitee = make_invitee(language="fr")
    response = client.get(invitee.rsvp)
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Invitation adressée à Ms Marie Dupont" in page
    assert "14–17 septembre 2027" in page
    assert "Répondre avant le" in page and "31 août 2027" in page
    assert "Participerez-vous à la réunion ?" in page
    assert "Oui, je participerai" in page
    assert "Aller au contenu principal" in page
    assert "Unité d&#39;appui à l&#39;application" in page
    # Messages next to the fields speak French too.
    response = post_answer(client, invitee.rsvp, answer="", delegates=[("", "", "jean@")])
    page = response.get_data(as_text=True)
    assert "Veuillez corriger les points suivants" in page
    assert "Indiquez si vous participerez." in page
    assert "Indiquez le nom de ce membre de la délégation." in page
    assert "Indiquez une adresse électronique comme nom@exemple.org." in page
    post_answer(client, invitee.rsvp, answer="maybe")
    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert "Merci. Votre réponse a été enregistrée" in page
    assert "Votre réponse actuelle : Peut-être, enregistrée le" in page


def test_the_spanish_page_and_a_switch_to_english(client, app):
    invitee = make_invitee(language="es")
    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "14–17 de septiembre de 2027" in page
    assert "¿Asistirá a la reunión?" in page
    assert "Sí, asistiré" in page
    assert 'hreflang="en">English</a>' in page
    page = client.get(invitee.rsvp + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Will you attend?" in page
    # The answer given on the English page goes back to it.
    response = post_answer(client, invitee.rsvp + "?lang=en")
    assert response.headers["Location"].endswith("?lang=en")


@pytest.mark.parametrize(
    ("language", "subject", "phrases"),
    [
        (
            "fr",
            "Votre réponse : Fourteenth Meeting of States Parties",
            ["Vous participerez", "Jean Martin", "demandé ; l'ISU vous écrira", "31 août 2027"],
        ),
        (
            "es",
            "Su respuesta: Fourteenth Meeting of States Parties",
            ["Asistirá", "Jean Martin", "solicitado; la ISU le escribirá", "31 de agosto de 2027"],
        ),
    ],
)
def test_the_confirmation_in_the_invitee_s_language(client, app, language, subject, phrases):
    invitee = make_invitee(language=language)
    post_answer(
        client,
        invitee.rsvp,
        delegates=[("Jean Martin", "Consejero", "")],
        sponsorship_requested="y",
    )
    [message] = confirmations()
    assert message.language == language
    email = RENDERERS[MailPurpose.CONFIRMATION](message)
    assert email.subject == subject
    assert email.sender_name
    for body in (email.text, email.html.replace("&#39;", "'")):
        for phrase in phrases:
            assert phrase.lower() in body.lower(), (phrase, body)
    assert f'<html lang="{language}">' in email.html
