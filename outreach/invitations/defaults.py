"""The default texts of invitations, updates and cancellations in English, French and Spanish,
and `seed_message_templates`, which stores them as the templates for every kind of meeting."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.extensions import db
from outreach.invitations.models import MessageTemplate

# Which message of a meeting a template is for (MailPurpose values).
TEMPLATE_PURPOSES = ("invite", "update", "cancel")

_DETAILS = {
    "en": """- **Dates:** {{ dates }}
- **Times:** {{ times }}
{% if venue %}- **Venue:** {{ venue }}
{% endif %}{% if online_link %}- **Online:** [{{ online_link }}]({{ online_link }})
{% endif %}""",
    "fr": """- **Dates :** {{ dates }}
- **Horaires :** {{ times }}
{% if venue %}- **Lieu :** {{ venue }}
{% endif %}{% if online_link %}- **En ligne :** [{{ online_link }}]({{ online_link }})
{% endif %}""",
    "es": """- **Fechas:** {{ dates }}
- **Horario:** {{ times }}
{% if venue %}- **Lugar:** {{ venue }}
{% endif %}{% if online_link %}- **En línea:** [{{ online_link }}]({{ online_link }})
{% endif %}""",
}

_SIGNATURE = {
    "en": """Please accept the assurances of our highest consideration.

Implementation Support Unit
Convention on Cluster Munitions""",
    "fr": """Nous vous prions d'agréer, Madame, Monsieur, l'assurance de notre haute considération.

Unité d'appui à l'application
Convention sur les armes à sous-munitions""",
    "es": """Aprovechamos la oportunidad para reiterarle las seguridades de nuestra más alta \
consideración.

Dependencia de Apoyo a la Aplicación
Convención sobre Municiones en Racimo""",
}

_GREETING = {
    "en": "Dear {{ display_name }},",
    "fr": "À l'attention de {{ display_name }}\n\nMadame, Monsieur,",
    "es": "A la atención de {{ display_name }}\n\nDe mi mayor consideración:",
}

_INVITE = {
    "en": """The Implementation Support Unit of the Convention on Cluster Munitions has the \
honour to invite {% if delegation %}the delegation of {{ delegation }}{% else %}you{% endif %} \
to the **{{ meeting_title }}**.

{details}
Kindly let us know whether you will attend\
{% if rsvp_deadline %} by {{ rsvp_deadline }}{% endif %}, and name the members of your \
delegation, through your personal link: \
[answer the invitation]({{ rsvp_link }}). Requests for sponsorship may be made through the same \
link.

The calendar entry attached to this message can be added to your calendar.""",
    "fr": """L'Unité d'appui à l'application de la Convention sur les armes à sous-munitions a \
l'honneur de vous inviter à participer à la réunion suivante : **{{ meeting_title }}**\
{% if delegation %} (délégation : {{ delegation }}){% endif %}.

{details}
Nous vous saurions gré de bien vouloir nous faire savoir si vous y participerez\
{% if rsvp_deadline %} d'ici au {{ rsvp_deadline }}{% endif %} et de nous indiquer la composition \
de votre délégation au moyen de votre lien personnel : [répondre à l'invitation]({{ rsvp_link }}). \
Les demandes de parrainage peuvent être présentées par ce même lien.

L'entrée de calendrier jointe à ce message peut être ajoutée à votre agenda.""",
    "es": """La Dependencia de Apoyo a la Aplicación de la Convención sobre Municiones en Racimo \
tiene el honor de invitarle a participar en la siguiente reunión: **{{ meeting_title }}**\
{% if delegation %} (delegación: {{ delegation }}){% endif %}.

{details}
Le agradeceríamos que nos confirmara su participación{% if rsvp_deadline %} a más tardar el \
{{ rsvp_deadline }}{% endif %} e indicara la composición de su delegación mediante su enlace \
personal: [responder a la invitación]({{ rsvp_link }}). Las solicitudes de patrocinio pueden \
presentarse por el mismo enlace.

La entrada de calendario adjunta a este mensaje puede añadirse a su agenda.""",
}

_UPDATE = {
    "en": """Please note that the details of the **{{ meeting_title }}** have changed. The meeting \
now takes place as follows:

{details}
This message updates the entry in your calendar. If you have already answered, your answer \
stands; you may change it through your personal link: [your answer]({{ rsvp_link }}).""",
    "fr": """Nous vous informons que les modalités de la réunion **{{ meeting_title }}** ont été \
modifiées. La réunion se tiendra désormais comme suit :

{details}
Ce message met à jour l'entrée de votre agenda. Si vous avez déjà répondu, votre réponse reste \
valable ; vous pouvez la modifier au moyen de votre lien personnel : \
[votre réponse]({{ rsvp_link }}).""",
    "es": """Le informamos de que los detalles de la reunión **{{ meeting_title }}** han cambiado. \
La reunión se celebrará ahora de la siguiente manera:

{details}
Este mensaje actualiza la entrada de su calendario. Si ya ha respondido, su respuesta sigue \
siendo válida; puede modificarla mediante su enlace personal: [su respuesta]({{ rsvp_link }}).""",
}

_CANCEL = {
    "en": """{% if meeting_cancelled %}The Implementation Support Unit regrets to inform you that \
the **{{ meeting_title }}** ({{ dates }}) has been cancelled.{% else %}The Implementation Support \
Unit informs you that the invitation sent to you for the **{{ meeting_title }}** ({{ dates }}) \
has been withdrawn.{% endif %}

This message removes the meeting from your calendar. We apologise for any inconvenience.""",
    "fr": """{% if meeting_cancelled %}L'Unité d'appui à l'application a le regret de vous \
informer que la réunion **{{ meeting_title }}** ({{ dates }}) est annulée.{% else %}L'Unité \
d'appui à l'application vous informe que l'invitation qui vous avait été adressée pour la réunion \
**{{ meeting_title }}** ({{ dates }}) est retirée.{% endif %}

Ce message retire la réunion de votre agenda. Nous vous prions de nous excuser pour ce \
désagrément.""",
    "es": """{% if meeting_cancelled %}La Dependencia de Apoyo a la Aplicación lamenta informarle \
de que la reunión **{{ meeting_title }}** ({{ dates }}) ha sido cancelada.{% else %}La Dependencia \
de Apoyo a la Aplicación le informa de que la invitación que se le había enviado para la reunión \
**{{ meeting_title }}** ({{ dates }}) ha sido retirada.{% endif %}

Este mensaje elimina la reunión de su calendario. Le rogamos disculpe las molestias.""",
}

_SUBJECTS = {
    "invite": {
        "en": "Invitation: {{ meeting_title }}, {{ dates }}",
        "fr": "Invitation : {{ meeting_title }}, {{ dates }}",
        "es": "Invitación: {{ meeting_title }}, {{ dates }}",
    },
    "update": {
        "en": "Updated: {{ meeting_title }}, {{ dates }}",
        "fr": "Mise à jour : {{ meeting_title }}, {{ dates }}",
        "es": "Actualización: {{ meeting_title }}, {{ dates }}",
    },
    "cancel": {
        "en": "Cancelled: {{ meeting_title }}, {{ dates }}",
        "fr": "Annulation : {{ meeting_title }}, {{ dates }}",
        "es": "Cancelación: {{ meeting_title }}, {{ dates }}",
    },
}

_BODIES = {"invite": _INVITE, "update": _UPDATE, "cancel": _CANCEL}


def default_text(purpose: str, language: str) -> tuple[str, str]:
    """The shipped (subject, Markdown body) of a message; English when the language has none."""
    language = language if language in _GREETING else "en"
    body = _BODIES[purpose][language].replace("{details}", _DETAILS[language])
    full = f"{_GREETING[language]}\n\n{body}\n\n{_SIGNATURE[language]}\n"
    return _SUBJECTS[purpose][language], full


def seed_message_templates() -> int:
    """Store the default texts as the templates for every kind of meeting where none is stored
    yet (the ISU's own edits are kept); the caller commits. Returns how many were added."""
    stored = set(
        db.session.execute(
            sa.select(MessageTemplate.purpose, MessageTemplate.language).where(
                MessageTemplate.meeting_kind.is_(None)
            )
        ).tuples()
    )
    added = 0
    for purpose in TEMPLATE_PURPOSES:
        for language in ("en", "fr", "es"):
            if (purpose, language) in stored:
                continue
            subject, body = default_text(purpose, language)
            db.session.add(
                MessageTemplate(
                    purpose=purpose,
                    meeting_kind=None,
                    language=language,
                    subject=subject,
                    body=body,
                )
            )
            added += 1
    return added
