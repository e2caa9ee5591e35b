"""The fields an import fills, the column headers each is recognised by, and the words its
values may be written with (English, French and Spanish)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from outreach.contacts.export import CONTACT_COLUMNS
from outreach.directory.models import KIND_LABELS, LANGUAGES, OrganisationKind
from outreach.directory.search import fold

CONTACTS = "contacts"
ORGANISATIONS = "organisations"
KINDS = {CONTACTS: "Contacts", ORGANISATIONS: "Organisations"}
IGNORE = ""


@dataclass(frozen=True)
class Field:
    """A value an import can set: its name, its label, whether several columns may fill it."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    several: bool = False
    required: bool = False
    hint: str = ""


STATE_ALIASES = ("state", "country", "pays", "pais", "estado", "country code", "iso3", "nation")
EMAIL_ALIASES = (
    "email",
    "e-mail",
    "emails",
    "e-mails",
    "email address",
    "email addresses",
    "mail",
    "courriel",
    "adresse electronique",
    "adresse e-mail",
    "correo",
    "correo electronico",
)
PHONE_ALIASES = (
    "phone",
    "phones",
    "telephone",
    "tel",
    "phone number",
    "mobile",
    "cell",
    "portable",
    "telefono",
    "movil",
    "celular",
)
TAG_ALIASES = ("tags", "tag", "labels", "label", "etiquettes", "etiquette", "etiquetas")
NOTE_ALIASES = (
    "notes",
    "note",
    "comments",
    "comment",
    "remarks",
    "commentaires",
    "remarques",
    "remarque",
    "remarque interne",
    "internal notes",
    "observaciones",
    "comentarios",
    "notas",
)

CONTACT_FIELDS = (
    Field(
        "honorific",
        "Honorific",
        ("honorific", "title", "salutation", "civilite", "titre", "tratamiento", "titulo"),
    ),
    Field(
        "first_name",
        "First name",
        ("first name", "firstname", "given name", "given names", "forename", "prenom", "nombre"),
    ),
    Field(
        "last_name",
        "Last name",
        (
            "last name",
            "lastname",
            "surname",
            "family name",
            "name",
            "nom",
            "nom de famille",
            "apellido",
            "apellidos",
        ),
        required=True,
    ),
    Field("emails", "Emails", EMAIL_ALIASES, several=True, hint="several separated by ; or ,"),
    Field("phones", "Phones", PHONE_ALIASES, several=True, hint="several separated by ; or ,"),
    Field(
        "preferred_language",
        "Language",
        ("language", "preferred language", "langue", "idioma", "lengua"),
        hint="code or name: en, French, español…",
    ),
    Field(
        "organisation",
        "Organisation",
        (
            "organisation",
            "organization",
            "organisme",
            "organismo",
            "organizacion",
            "institution",
            "institucion",
            "employer",
            "entity",
            "entite",
            "entidad",
            "company",
        ),
        hint="matched by name or acronym, else created",
    ),
    Field(
        "position",
        "Position",
        ("position", "job title", "job", "function", "role", "poste", "fonction", "cargo"),
    ),
    Field(
        "state",
        "State",
        STATE_ALIASES,
        hint="ISO3, ISO2, or the name in English, French or Spanish",
    ),
    Field("tags", "Tags", TAG_ALIASES, several=True),
    Field(
        "areas",
        "Expertise areas",
        ("areas", "expertise", "thematic areas", "domaines", "areas tematicas", "area"),
        several=True,
        hint="slugs or names",
    ),
    Field("keywords", "Keywords", ("keywords", "mots cles", "palabras clave"), several=True),
    Field("notes", "Notes", NOTE_ALIASES, several=True),
    Field(
        "do_not_email",
        "Do not email",
        (
            "do not email",
            "do not mail",
            "no email",
            "no mail",
            "opt out",
            "opted out",
            "unsubscribed",
        ),
        hint="yes/no, true/false, 1/0, x",
    ),
)

ORGANISATION_FIELDS = (
    Field(
        "name",
        "Name",
        (
            "name",
            "organisation",
            "organization",
            "organisation name",
            "organization name",
            "nom",
            "nombre",
            "organisme",
            "organismo",
            "organizacion",
        ),
        required=True,
    ),
    Field("acronym", "Acronym", ("acronym", "abbreviation", "short name", "sigle", "sigla")),
    Field(
        "kind",
        "Kind",
        ("kind", "type", "category", "categorie", "tipo", "categoria"),
        hint="NGO, Permanent mission, UN entity…; empty: Other",
    ),
    Field(
        "state",
        "State",
        STATE_ALIASES,
        hint="ISO3, ISO2, or the name in English, French or Spanish",
    ),
    Field("address", "Address", ("address", "postal address", "adresse", "direccion")),
    Field("email", "Email", EMAIL_ALIASES),
    Field("phone", "Phone", PHONE_ALIASES),
    Field(
        "website",
        "Website",
        ("website", "web site", "web", "url", "homepage", "site web", "site", "sitio web"),
    ),
    Field("tags", "Tags", TAG_ALIASES, several=True),
    Field("notes", "Notes", NOTE_ALIASES, several=True),
)

FIELDS = {CONTACTS: CONTACT_FIELDS, ORGANISATIONS: ORGANISATION_FIELDS}

_PUNCTUATION = re.compile(r"[\s\-_.:;,/()*#'’\"]+")


def header_key(header: str) -> str:
    """A header as compared: folded, punctuation as spaces ("E-mail:" and "email" alike)."""
    return " ".join(_PUNCTUATION.sub(" ", fold(header)).split()).replace("e mail", "email")


def _aliases(kind: str) -> dict[str, str]:
    """Every known header key of a kind of import, with its field."""
    known: dict[str, str] = {}
    for item in FIELDS[kind]:
        for alias in (item.name, item.label, *item.aliases):
            known.setdefault(header_key(alias), item.name)
    if kind == CONTACTS:
        for column in CONTACT_COLUMNS:
            known[header_key(column.header)] = column.field
    return known


def field_names(kind: str) -> set[str]:
    """The names of the fields of a kind of import."""
    return {item.name for item in FIELDS[kind]}


# A header holding one of these words is an email or phone column ("Work email", "Tél. bureau").
CONTACT_WORDS = {"email": "emails", "courriel": "emails", "correo": "emails", "phone": "phones"}
CONTACT_WORDS |= {"telephone": "phones", "tel": "phones", "telefono": "phones", "mobile": "phones"}


def guess_field(kind: str, header: str) -> str:
    """The field a column header names, or IGNORE."""
    known = _aliases(kind)
    key = header_key(header)
    if key in known:
        return known[key]
    for suffix in (" 1", " 2", " 3", " principal", " principale", " secondaire"):
        if key.endswith(suffix) and key[: -len(suffix)] in known:
            return known[key[: -len(suffix)]]
    for word in key.split():
        if word in CONTACT_WORDS:
            name = CONTACT_WORDS[word]
            return name if kind == CONTACTS else name.rstrip("s")
    return IGNORE


def guess_mapping(kind: str, headers: list[str]) -> list[str]:
    """A field for each column, guessed from its header; a single-valued field is given to the
    first column that names it only."""
    fields = {item.name: item for item in FIELDS[kind]}
    taken: set[str] = set()
    mapping = []
    for header in headers:
        name = guess_field(kind, header)
        if name and not fields[name].several and name in taken:
            name = IGNORE
        taken.add(name)
        mapping.append(name)
    return mapping


# --- Values ---

YES = {"yes", "y", "true", "1", "x", "oui", "si", "vrai", "verdadero"}
NO = {"no", "n", "false", "0", "non", "faux", "falso", ""}


def parse_yes_no(text: str) -> bool | None:
    """True, False, or None when the text is neither a yes nor a no."""
    key = fold(text).strip(".")
    if key in YES:
        return True
    if key in NO:
        return False
    return None


LANGUAGE_NAMES = {
    "english": "en",
    "anglais": "en",
    "ingles": "en",
    "eng": "en",
    "french": "fr",
    "francais": "fr",
    "frances": "fr",
    "fra": "fr",
    "fre": "fr",
    "spanish": "es",
    "espagnol": "es",
    "espanol": "es",
    "castellano": "es",
    "spa": "es",
    "arabic": "ar",
    "arabe": "ar",
    "russian": "ru",
    "russe": "ru",
    "ruso": "ru",
    "chinese": "zh",
    "chinois": "zh",
    "chino": "zh",
    "portuguese": "pt",
    "portugais": "pt",
    "portugues": "pt",
    "other": "other",
    "autre": "other",
    "otro": "other",
}


def parse_language(text: str) -> str | None:
    """A language code from a code or a name in English, French or Spanish; None if unknown."""
    key = fold(text)
    if key in LANGUAGES:
        return key
    for code, name in LANGUAGES.items():
        if fold(name) == key:
            return code
    return LANGUAGE_NAMES.get(key)


KIND_WORDS = {
    "mission": OrganisationKind.PERMANENT_MISSION,
    "permanent mission": OrganisationKind.PERMANENT_MISSION,
    "mission permanente": OrganisationKind.PERMANENT_MISSION,
    "mision permanente": OrganisationKind.PERMANENT_MISSION,
    "ministry": OrganisationKind.MINISTRY,
    "ministere": OrganisationKind.MINISTRY,
    "ministerio": OrganisationKind.MINISTRY,
    "capital": OrganisationKind.MINISTRY,
    "mine action authority": OrganisationKind.MINE_ACTION_AUTHORITY,
    "mine action centre": OrganisationKind.MINE_ACTION_AUTHORITY,
    "mine action center": OrganisationKind.MINE_ACTION_AUTHORITY,
    "national mine action authority": OrganisationKind.MINE_ACTION_AUTHORITY,
    "ong": OrganisationKind.NGO,
    "international organization": OrganisationKind.INTERNATIONAL_ORGANISATION,
    "organisation internationale": OrganisationKind.INTERNATIONAL_ORGANISATION,
    "organizacion internacional": OrganisationKind.INTERNATIONAL_ORGANISATION,
    "io": OrganisationKind.INTERNATIONAL_ORGANISATION,
    "un": OrganisationKind.UN_ENTITY,
    "un agency": OrganisationKind.UN_ENTITY,
    "united nations": OrganisationKind.UN_ENTITY,
    "regional organization": OrganisationKind.REGIONAL_ORGANISATION,
    "academic": OrganisationKind.ACADEMIC,
    "research": OrganisationKind.ACADEMIC,
    "university": OrganisationKind.ACADEMIC,
    "universite": OrganisationKind.ACADEMIC,
    "universidad": OrganisationKind.ACADEMIC,
    "think tank": OrganisationKind.ACADEMIC,
    "autre": OrganisationKind.OTHER,
    "otro": OrganisationKind.OTHER,
}


def parse_kind(text: str) -> OrganisationKind | None:
    """An organisation kind from its value ("ngo"), its label ("Permanent mission") or a common
    word for it; OTHER when empty; None when unknown."""
    key = header_key(text)
    if not key:
        return OrganisationKind.OTHER
    for kind in OrganisationKind:
        if key in (header_key(kind.value), header_key(KIND_LABELS[kind])):
            return kind
    return KIND_WORDS.get(key)


def kind_choices() -> str:
    """The kinds as people write them, for messages."""
    return ", ".join(KIND_LABELS[k] for k in OrganisationKind)


# Common English names of States that differ from the United Nations names in the data.
STATE_ALIASES_BY_ISO3 = {
    "GBR": ("United Kingdom", "UK", "Great Britain", "Britain"),
    "USA": ("United States", "US", "America"),
    "RUS": ("Russia",),
    "KOR": ("South Korea", "Korea"),
    "PRK": ("North Korea",),
    "LAO": ("Laos",),
    "VNM": ("Vietnam",),
    "MDA": ("Moldova",),
    "TZA": ("Tanzania",),
    "SYR": ("Syria",),
    "CIV": ("Ivory Coast",),
    "CPV": ("Cape Verde",),
    "SWZ": ("Swaziland",),
    "CZE": ("Czech Republic",),
    "VAT": ("Vatican", "Vatican City"),
    "PSE": ("Palestine",),
    "TUR": ("Turkey", "Turkiye"),
    "COD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "COG": ("Republic of the Congo", "Congo-Brazzaville"),
    "TLS": ("East Timor",),
    "MKD": ("Macedonia",),
    "BRN": ("Brunei",),
    "FSM": ("Micronesia",),
    "NLD": ("The Netherlands", "Holland"),
    "GMB": ("The Gambia",),
    "BHS": ("The Bahamas",),
}
