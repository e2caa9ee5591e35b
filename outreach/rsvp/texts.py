"""The words invitees read on their pages, in English, French and Spanish.

Each text is written in English in the code and templates (`_("Attending")`) and looked up here
for the other languages, as gettext does; a test checks that every text has its translations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from markupsafe import escape

Translate = Callable[..., str]
LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}

FRENCH: dict[str, str] = {
    # Answers and their states
    "Attending": "Participera",
    "Maybe": "Peut-être",
    "Not attending": "Ne participera pas",
    "No answer yet": "Pas encore de réponse",
    "Not requested": "Non demandé",
    "Requested": "Demandé",
    "Approved": "Accordé",
    "Declined": "Refusé",
    # The answer page
    "Invitation": "Invitation",
    "Invitation for {name}": "Invitation adressée à {name}",
    "On behalf of the delegation of {state}": "Pour la délégation : {state}",
    "The meeting": "La réunion",
    "Dates": "Dates",
    "Times": "Horaires",
    "Venue": "Lieu",
    "Online": "En ligne",
    "Answer by": "Répondre avant le",
    "Languages": "Langues",
    "Your answer": "Votre réponse",
    "Your current answer: {answer}, recorded on {date}.": (
        "Votre réponse actuelle : {answer}, enregistrée le {date}."
    ),
    "You can change it until {date}.": "Vous pouvez la modifier jusqu'au {date}.",
    "You can change it until the meeting starts.": (
        "Vous pouvez la modifier jusqu'au début de la réunion."
    ),
    "Will you attend?": "Participerez-vous à la réunion ?",
    "Yes, I will attend": "Oui, je participerai",
    "Maybe, I will confirm later": "Peut-être, je confirmerai plus tard",
    "No, I will not attend": "Non, je ne participerai pas",
    "Your delegation": "Votre délégation",
    "The other people who will attend with you, up to {count}. Leave a row empty if it is "
    "not needed.": (
        "Les autres personnes qui participeront avec vous, {count} au plus. Laissez vide une "
        "ligne inutile."
    ),
    "Member {number}": "Membre {number}",
    "Name": "Nom",
    "Title or position": "Titre ou fonction",
    "Email": "Courriel",
    "Add more rows": "Ajouter des lignes",
    "Sponsorship": "Parrainage",
    "The sponsorship programme can pay the travel of delegates from some States.": (
        "Le programme de parrainage peut prendre en charge le voyage de délégués de certains États."
    ),
    "I request sponsorship for this meeting": "Je demande un parrainage pour cette réunion",
    "About the request": "Précisions sur la demande",
    "Who would travel, from where, and anything the ISU should know.": (
        "Qui voyagerait, depuis où, et tout ce que l'ISU devrait savoir."
    ),
    "Your request for sponsorship was approved.": "Votre demande de parrainage a été accordée.",
    "Your request for sponsorship was declined.": "Votre demande de parrainage a été refusée.",
    "Comments or questions": "Commentaires ou questions",
    "Send my answer": "Envoyer ma réponse",
    "Please correct the following": "Veuillez corriger les points suivants",
    "Thank you. Your answer was recorded; a confirmation is on its way by email.": (
        "Merci. Votre réponse a été enregistrée ; une confirmation vous est envoyée par courriel."
    ),
    "Thank you. Your answer was recorded.": "Merci. Votre réponse a été enregistrée.",
    "Answers can no longer be changed through this page.": (
        "Il n'est plus possible de modifier la réponse sur cette page."
    ),
    "To change your answer, please write to the ISU at {address}.": (
        "Pour modifier votre réponse, veuillez écrire à l'ISU à l'adresse {address}."
    ),
    "Questions? Write to the ISU at {address}.": (
        "Des questions ? Écrivez à l'ISU à l'adresse {address}."
    ),
    "Stop receiving emails from the ISU": "Ne plus recevoir de courriels de l'ISU",
    "Members of your delegation": "Membres de votre délégation",
    "None named.": "Aucun membre indiqué.",
    "Your comments": "Vos commentaires",
    # Messages next to fields
    "Choose whether you will attend.": "Indiquez si vous participerez.",
    "Enter the name of this member of the delegation.": (
        "Indiquez le nom de ce membre de la délégation."
    ),
    "Enter an email address such as name@example.org.": (
        "Indiquez une adresse électronique comme nom@exemple.org."
    ),
    "Remove the invisible NUL character from this value.": (
        "Supprimez le caractère NUL invisible de cette valeur."
    ),
    "Keep this under {limit} characters.": "Ne dépassez pas {limit} caractères.",
    "Name at most {count} members of the delegation.": (
        "Indiquez au plus {count} membres de la délégation."
    ),
    "Answers to this invitation can no longer be changed through the link.": (
        "Il n'est plus possible de modifier la réponse à cette invitation par ce lien."
    ),
    "This invitation was withdrawn; no answer can be recorded.": (
        "Cette invitation a été retirée ; aucune réponse ne peut être enregistrée."
    ),
    # Unsubscribing
    "Stop emails from the ISU": "Ne plus recevoir de courriels de l'ISU",
    "Do you want to stop receiving emails from the Implementation Support Unit of the "
    "Convention on Cluster Munitions?": (
        "Souhaitez-vous ne plus recevoir de courriels de l'Unité d'appui à l'application de la "
        "Convention sur les armes à sous-munitions ?"
    ),
    "You will no longer receive invitations, reminders or other messages from us by email.": (
        "Vous ne recevrez plus d'invitations, de rappels ni d'autres messages de notre part par "
        "courriel."
    ),
    "Yes, stop sending me emails": "Oui, ne plus m'envoyer de courriels",
    "Nothing changes unless you press the button.": (
        "Rien ne change tant que vous n'appuyez pas sur le bouton."
    ),
    "You will receive no more emails from the ISU": "Vous ne recevrez plus de courriels de l'ISU",
    "Your choice was recorded.": "Votre choix a été enregistré.",
    "If this was a mistake, write to the ISU at {address}.": (
        "S'il s'agit d'une erreur, écrivez à l'ISU à l'adresse {address}."
    ),
    # The page of a link that no longer works
    "This link no longer works": "Ce lien ne fonctionne plus",
    "This link no longer works. It may have expired or been replaced by a newer one.": (
        "Ce lien ne fonctionne plus. Il a peut-être expiré ou été remplacé par un lien plus récent."
    ),
    "Please contact the Implementation Support Unit at {address}.": (
        "Veuillez contacter l'Unité d'appui à l'application à l'adresse {address}."
    ),
    # The site around the pages
    "Skip to main content": "Aller au contenu principal",
    "Implementation Support Unit of the Convention on Cluster Munitions, Geneva": (
        "Unité d'appui à l'application de la Convention sur les armes à sous-munitions, Genève"
    ),
}

SPANISH: dict[str, str] = {
    "Attending": "Asistirá",
    "Maybe": "Quizás",
    "Not attending": "No asistirá",
    "No answer yet": "Sin respuesta todavía",
    "Not requested": "No solicitado",
    "Requested": "Solicitado",
    "Approved": "Aprobado",
    "Declined": "Denegado",
    "Invitation": "Invitación",
    "Invitation for {name}": "Invitación dirigida a {name}",
    "On behalf of the delegation of {state}": "En nombre de la delegación de {state}",
    "The meeting": "La reunión",
    "Dates": "Fechas",
    "Times": "Horario",
    "Venue": "Lugar",
    "Online": "En línea",
    "Answer by": "Responder antes del",
    "Languages": "Idiomas",
    "Your answer": "Su respuesta",
    "Your current answer: {answer}, recorded on {date}.": (
        "Su respuesta actual: {answer}, registrada el {date}."
    ),
    "You can change it until {date}.": "Puede modificarla hasta el {date}.",
    "You can change it until the meeting starts.": (
        "Puede modificarla hasta el comienzo de la reunión."
    ),
    "Will you attend?": "¿Asistirá a la reunión?",
    "Yes, I will attend": "Sí, asistiré",
    "Maybe, I will confirm later": "Quizás, lo confirmaré más adelante",
    "No, I will not attend": "No, no asistiré",
    "Your delegation": "Su delegación",
    "The other people who will attend with you, up to {count}. Leave a row empty if it is "
    "not needed.": (
        "Las demás personas que asistirán con usted, hasta {count}. Deje vacía una fila que no "
        "necesite."
    ),
    "Member {number}": "Miembro {number}",
    "Name": "Nombre",
    "Title or position": "Título o cargo",
    "Email": "Correo electrónico",
    "Add more rows": "Añadir filas",
    "Sponsorship": "Patrocinio",
    "The sponsorship programme can pay the travel of delegates from some States.": (
        "El programa de patrocinio puede sufragar el viaje de delegados de algunos Estados."
    ),
    "I request sponsorship for this meeting": "Solicito patrocinio para esta reunión",
    "About the request": "Detalles de la solicitud",
    "Who would travel, from where, and anything the ISU should know.": (
        "Quién viajaría, desde dónde, y cualquier otra información útil para la ISU."
    ),
    "Your request for sponsorship was approved.": "Su solicitud de patrocinio fue aprobada.",
    "Your request for sponsorship was declined.": "Su solicitud de patrocinio fue denegada.",
    "Comments or questions": "Comentarios o preguntas",
    "Send my answer": "Enviar mi respuesta",
    "Please correct the following": "Corrija lo siguiente",
    "Thank you. Your answer was recorded; a confirmation is on its way by email.": (
        "Gracias. Su respuesta quedó registrada; le enviamos una confirmación por correo "
        "electrónico."
    ),
    "Thank you. Your answer was recorded.": "Gracias. Su respuesta quedó registrada.",
    "Answers can no longer be changed through this page.": (
        "Ya no es posible modificar la respuesta en esta página."
    ),
    "To change your answer, please write to the ISU at {address}.": (
        "Para modificar su respuesta, escriba a la ISU a la dirección {address}."
    ),
    "Questions? Write to the ISU at {address}.": (
        "¿Preguntas? Escriba a la ISU a la dirección {address}."
    ),
    "Stop receiving emails from the ISU": "Dejar de recibir correos de la ISU",
    "Members of your delegation": "Miembros de su delegación",
    "None named.": "No se indicó ninguno.",
    "Your comments": "Sus comentarios",
    "Choose whether you will attend.": "Indique si asistirá.",
    "Enter the name of this member of the delegation.": (
        "Indique el nombre de este miembro de la delegación."
    ),
    "Enter an email address such as name@example.org.": (
        "Indique una dirección de correo como nombre@ejemplo.org."
    ),
    "Remove the invisible NUL character from this value.": (
        "Elimine el carácter NUL invisible de este valor."
    ),
    "Keep this under {limit} characters.": "No supere los {limit} caracteres.",
    "Name at most {count} members of the delegation.": (
        "Indique como máximo {count} miembros de la delegación."
    ),
    "Answers to this invitation can no longer be changed through the link.": (
        "Ya no es posible modificar la respuesta a esta invitación mediante el enlace."
    ),
    "This invitation was withdrawn; no answer can be recorded.": (
        "Esta invitación fue retirada; no se puede registrar ninguna respuesta."
    ),
    "Stop emails from the ISU": "Dejar de recibir correos de la ISU",
    "Do you want to stop receiving emails from the Implementation Support Unit of the "
    "Convention on Cluster Munitions?": (
        "¿Desea dejar de recibir correos de la Dependencia de Apoyo a la Implementación de la "
        "Convención sobre Municiones en Racimo?"
    ),
    "You will no longer receive invitations, reminders or other messages from us by email.": (
        "Ya no recibirá invitaciones, recordatorios ni otros mensajes nuestros por correo "
        "electrónico."
    ),
    "Yes, stop sending me emails": "Sí, no enviarme más correos",
    "Nothing changes unless you press the button.": "Nada cambia si no pulsa el botón.",
    "You will receive no more emails from the ISU": "No recibirá más correos de la ISU",
    "Your choice was recorded.": "Su elección quedó registrada.",
    "If this was a mistake, write to the ISU at {address}.": (
        "Si se trata de un error, escriba a la ISU a la dirección {address}."
    ),
    "This link no longer works": "Este enlace ya no funciona",
    "This link no longer works. It may have expired or been replaced by a newer one.": (
        "Este enlace ya no funciona. Puede haber caducado o haber sido sustituido por uno más "
        "reciente."
    ),
    "Please contact the Implementation Support Unit at {address}.": (
        "Póngase en contacto con la Dependencia de Apoyo a la Implementación en la dirección "
        "{address}."
    ),
    "Skip to main content": "Ir al contenido principal",
    "Implementation Support Unit of the Convention on Cluster Munitions, Geneva": (
        "Dependencia de Apoyo a la Implementación de la Convención sobre Municiones en Racimo, "
        "Ginebra"
    ),
}

CATALOGS: dict[str, dict[str, str]] = {"en": {}, "fr": FRENCH, "es": SPANISH}


class Text(str):
    """An English message that remembers its template and values, so that a page in another
    language can translate it after a service has written it."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Text:
        text = super().__new__(cls, msgid.format(**values) if values else msgid)
        text.msgid = msgid
        text.values = values
        return text


def translator(language: str) -> Translate:
    """`_(text, **values)`: the text in the language (English if missing), values filled in."""
    catalog = CATALOGS.get(language, {})

    def translate(text: str, **values: object) -> str:
        if isinstance(text, Text):
            text, values = text.msgid, {**text.values, **values}
        translated = catalog.get(text, text)
        if any(hasattr(value, "__html__") for value in values.values()):
            # A link among the values: the text is escaped, the link kept as HTML.
            return escape(translated).format(**values)
        return translated.format(**values) if values else translated

    return translate


def long_date(value: dt.date, language: str) -> str:
    """A date as the language writes it: "31 August 2027", "31 août 2027", "31 de agosto…"."""
    return format_date(value, "long", locale=LOCALES.get(language, "en_GB"))


def local_moment(value: dt.datetime, zone: ZoneInfo, language: str) -> str:
    """A moment in the given zone, as the language writes it."""
    return format_datetime(
        value.astimezone(zone), "d MMMM y, HH:mm", locale=LOCALES.get(language, "en_GB")
    )
