"""Pages of contacts and experts: list, page, forms, postings, merge, personal data."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from outreach.contacts import services
from outreach.contacts.export import contact_columns, contact_rows
from outreach.contacts.forms import (
    BULK_ACTIONS,
    BulkForm,
    ConfirmForm,
    ContactFilterForm,
    ContactForm,
    EndPostingForm,
    MergeForm,
    MoveForm,
    PostingForm,
    options,
)
from outreach.contacts.merge import merge_contacts
from outreach.contacts.privacy import contact_history, erase_contact, export_personal_data
from outreach.contacts.services import (
    ContactData,
    ContactFilters,
    DuplicateWarning,
    PostingData,
)
from outreach.contacts.vcard import vcard
from outreach.core.access import staff_required
from outreach.core.exports import download
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.forms import choices
from outreach.directory.lists import page_numbers
from outreach.directory.models import LANGUAGES, Contact
from outreach.directory.services import regions
from outreach.directory.tags import all_tags, split_labels

bp = Blueprint("contacts", __name__)

FIELD_LABELS = {
    "honorific": "Honorific",
    "first_name": "First name",
    "last_name": "Last name",
    "emails": "Emails",
    "phones": "Phones",
    "preferred_language": "Preferred language",
    "do_not_email": "Do not email",
    "do_not_email_reason": "Reason for not emailing",
    "do_not_email_since": "Not emailed since",
    "notes": "Notes",
    "tags": "Tags",
    "areas": "Expertise areas",
    "keywords": "Keywords",
    "archived_at": "Archived",
    "merged_into_id": "Merged into",
}


# --- Helpers shared by the views ---


def _contact_or_404(contact_id: int) -> Contact:
    contact = services.lookup_contact(contact_id, include_notes=current_user.is_staff)
    if contact is None:
        abort(404)
    return contact


def _editable_or_redirect(contact: Contact) -> BaseResponse | None:
    """Erased and merged records are kept for their history but no longer changed."""
    if contact.erased_at is not None or contact.merged_into_id is not None:
        flash("This record was erased or merged: it can no longer be changed.", "warning")
        return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    return None


def _add_errors(form: Any, errors: dict[str, str], aliases: dict[str, str] | None = None) -> None:
    """Show a service's messages next to the matching fields (the first field otherwise)."""
    aliases = {"organisation": "organisation_id", **(aliases or {})}
    names = [f.name for f in form if f.type not in ("CSRFTokenField", "HiddenField")]
    for key, message in errors.items():
        name = aliases.get(key, key)
        field = form[name] if name in form else form[names[0]]
        field.errors = [*field.errors, message]


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= services.MAX_ID else None


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _organisation_choices(empty: str) -> list[SelectChoice]:
    pairs = [("", empty)]
    for organisation in services.organisation_choices():
        label = organisation.display_name
        if organisation.state is not None:
            label += f" · {organisation.state.name}"
        pairs.append((str(organisation.id), label))
    return options(pairs)


# --- The list ---


def parse_contact_filters(form: ContactFilterForm, args: MultiDict[str, str]) -> ContactFilters:
    """Turn the query string into filters; values not offered by the form are ignored."""

    def offered(field: Any) -> str | None:
        values = {choice.value for choice in field.choices}
        return field.data if field.data in values and field.data else None

    dne = offered(form.dne)
    return ContactFilters(
        q=services.clean_query_text(form.q.data),
        status=offered(form.status),
        region=offered(form.region),
        kind=offered(form.kind),
        tag=offered(form.tag),
        language=offered(form.language),
        area=offered(form.area),
        do_not_email=None if dne is None else dne == "yes",
        include_archived=bool(form.archived.data),
        sort=form.sort.data if form.sort.data in services.CONTACT_SORTS else "last_name",
        descending=args.get("dir") == "desc",
    )


def _filter_form(args: MultiDict[str, str]) -> ContactFilterForm:
    form = ContactFilterForm(args)
    form.region.choices = choices([(r, r) for r in regions()], "Any region")
    form.tag.choices = choices([(t.key, t.name) for t in all_tags()], "Any tag")
    form.area.choices = choices([(a.slug, a.name) for a in services.thematic_areas()], "Any area")
    return form


def _filters_shown(filters: ContactFilters, form: ContactFilterForm) -> list[str]:
    """The filters in force, in words, for the result line."""
    shown = []
    for name in ("status", "region", "kind", "tag", "language", "area", "dne"):
        field = form[name]
        value = field.data
        if value:
            label = {c.value: c.label for c in field.choices}.get(value)
            if label and value:
                shown.append(f"{field.label.text.lower()}: {label}")
    if filters.q:
        shown.append(f"search “{filters.q}”")
    if filters.include_archived:
        shown.append("archived included")
    return shown


BULK_RETRY = "contacts_bulk_retry"  # a refused bulk action's input, shown again after redirect


LIST_ARGS = frozenset(
    {"q", "status", "region", "kind", "tag", "language", "area", "dne", "sort", "dir"}
    | {"archived", "page", "per_page"}
)


def _list_args(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """The query values the list understands; others (e.g. `_external`) are dropped."""
    return {k: v[:5] for k, v in args.to_dict(flat=False).items() if k in LIST_ARGS}


@bp.route("/contacts")
def contact_list() -> Any:
    """Contacts, searched, filtered, sorted and paged, with bulk actions for staff."""
    if set(request.args) - LIST_ARGS:
        return redirect(url_for("contacts.contact_list", **_list_args(request.args)))
    form = _filter_form(request.args)
    filters = parse_contact_filters(form, request.args)
    page, per_page = page_numbers(request.args)
    result = services.find_contacts(filters, page, per_page, current_user.is_staff)
    retry = session.pop(BULK_RETRY, None) if current_user.is_staff else None
    retry = retry if isinstance(retry, dict) else {}
    return render_template(
        "contacts/contact_list.html",
        form=form,
        filters=filters,
        result=result,
        shown=_filters_shown(filters, form),
        export_args={k: v for k, v in _list_args(request.args).items() if k != "page"},
        back=urlencode(list(request.args.items(multi=True))),
        bulk_actions=BULK_ACTIONS,
        languages=LANGUAGES,
        retry=retry,
        selected={str(i) for i in retry.get("ids", [])},
    )


@bp.route("/contacts/export.<fmt>")
def contact_export(fmt: str) -> Response:
    """The filtered list, all pages, as CSV or XLSX (coordinators never get notes)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = parse_contact_filters(_filter_form(request.args), request.args)
    contacts = services.contacts_for_export(filters, current_user.is_staff)
    columns = contact_columns(include_staff_only=current_user.is_staff)
    headers = [c.header for c in columns]
    rows = list(contact_rows(contacts, columns))
    services.record_export("Contact", len(rows), fmt)
    return download(fmt, "contacts", "Contacts", headers, rows)


@bp.route("/contacts/bulk", methods=["POST"])
@staff_required
def contact_bulk() -> BaseResponse:
    """Tag, untag, archive or restore the contacts ticked in the list."""
    form = BulkForm()
    list_args = MultiDict(parse_qsl(request.form.get("back", "")[:2000]))
    back = url_for("contacts.contact_list", **_list_args(list_args))
    ids = [i for i in (_int(v) for v in request.form.getlist("ids")[:1000]) if i]
    error: dict[str, str] = {}
    if not form.validate_on_submit():
        error = {name: " ".join(messages) for name, messages in form.errors.items()}
    elif not ids:
        error = {"ids": "Tick at least one contact first."}
    else:
        try:
            changed = services.bulk_change(ids, form.action.data, form.tag.data or "")
        except ValidationError as refused:
            error = refused.errors
    if error:
        session[BULK_RETRY] = {
            "ids": ids[:200],  # the session travels in a cookie: keep it small
            "action": str(form.action.data or "")[:20],
            "tag": str(form.tag.data or "")[:60],
            "errors": {str(k): str(v) for k, v in error.items()},
        }
        flash("Nothing was changed: " + " ".join(error.values()), "error")
        return redirect(back)
    flash(f"{BULK_ACTIONS[form.action.data]}: {changed} of {len(ids)} contacts changed.", "success")
    return redirect(back)


# --- One contact ---


BOOKKEEPING = frozenset({"version", "updated_at", "search_text"})


def _history(contact: Contact) -> list[Any]:
    """The audit events worth showing: not the updates that only moved the version on."""
    return [
        event
        for event in contact_history(contact)
        if event.action != "update" or event.redacted_at or set(event.after or {}) - BOOKKEEPING
    ]


def _render_detail(contact: Contact, status: int = 200, **forms: Any) -> Any:
    end_forms = {}
    for posting in contact.current_postings:
        end_form = forms.get("end_form")
        if end_form is None or str(end_form.posting_id.data) != str(posting.id):
            end_form = EndPostingForm(formdata=None, posting_id=posting.id)
        end_forms[posting.id] = end_form
    merged_into = (
        services.lookup_contact(contact.merged_into_id, current_user.is_staff)
        if contact.merged_into_id
        else None
    )
    return render_template(
        "contacts/contact_detail.html",
        contact=contact,
        current=contact.current_postings,
        past=[p for p in contact.postings if not p.is_current],
        end_forms=end_forms,
        confirm_form=ConfirmForm(),
        merged_into=merged_into,
        history=_history(contact) if current_user.is_staff else [],
        bookkeeping=BOOKKEEPING,
        labels=FIELD_LABELS,
        languages=LANGUAGES,
        display_phone=services.display_phone,
    ), status


@bp.route("/contacts/<int:contact_id>")
def contact_detail(contact_id: int) -> Any:
    """A person: names, ways to reach them, expertise, postings over time, history."""
    return _render_detail(_contact_or_404(contact_id))


@bp.route("/contacts/<int:contact_id>/vcard")
def contact_vcard(contact_id: int) -> Response:
    """The contact as a vCard file."""
    contact = _contact_or_404(contact_id)
    if contact.erased_at is not None:
        abort(404)
    response = Response(vcard(contact), mimetype="text/vcard")
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{contact.id}.vcf"'
    return response


# --- Creating and editing ---


def _contact_form(contact: Contact | None = None) -> ContactForm:
    form = ContactForm()
    form.areas.choices = options([(a.slug, a.name) for a in services.thematic_areas()])
    if contact is not None:
        form.set_honorific_choices(contact.honorific)
        if request.method == "GET":
            form.honorific.data = contact.honorific
            form.first_name.data = contact.first_name
            form.last_name.data = contact.last_name
            form.emails.data = "\n".join(e.address for e in contact.emails)
            form.phones.data = "\n".join(services.display_phone(p.number) for p in contact.phones)
            form.preferred_language.data = contact.preferred_language
            form.do_not_email.data = contact.do_not_email
            form.do_not_email_reason.data = contact.do_not_email_reason
            form.tags.data = ", ".join(t.name for t in contact.tags)
            form.areas.data = [a.slug for a in contact.areas]
            form.keywords.data = ", ".join(k.name for k in contact.keywords)
            form.notes.data = contact.notes
            form.version.data = str(contact.version)
    else:
        form.organisation_id.choices = _organisation_choices("No posting yet")
    return form


def _contact_data(form: ContactForm) -> ContactData:
    return ContactData(
        honorific=form.honorific.data or "",
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        emails=_lines(form.emails.data),
        phones=_lines(form.phones.data),
        preferred_language=form.preferred_language.data or "en",
        do_not_email=bool(form.do_not_email.data),
        do_not_email_reason=form.do_not_email_reason.data or "",
        notes=form.notes.data or "",
        tags=split_labels(form.tags.data),
        area_slugs=list(form.areas.data or []),
        keywords=split_labels(form.keywords.data),
    )


def _first_posting(form: ContactForm) -> PostingData | None:
    if not form.organisation_id.data:
        return None
    return PostingData(
        organisation_id=_int(form.organisation_id.data) or 0,
        position=form.position.data or "",
        start_date=form.start_date.data,
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
@staff_required
def contact_new() -> Any:
    """Create a contact, warning first when it looks like someone already there."""
    form = _contact_form()
    duplicates: list[Contact] = []
    if form.validate_on_submit():
        try:
            contact = services.create_contact_checked(
                _contact_data(form), _first_posting(form), bool(form.create_anyway.data)
            )
        except ValidationError as error:
            _add_errors(form, error.errors)
        except DuplicateWarning as warning:
            duplicates = warning.duplicates
        else:
            flash(f"{contact.display_name} was added.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    status = 422 if form.errors or duplicates else 200
    return render_template(
        "contacts/contact_form.html", form=form, contact=None, duplicates=duplicates
    ), status


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@staff_required
def contact_edit(contact_id: int) -> Any:
    """Edit a contact; a save based on an old version shows the other changes instead."""
    contact = _contact_or_404(contact_id)
    if (blocked := _editable_or_redirect(contact)) is not None:
        return blocked
    form = _contact_form(contact)
    conflict: list[dict[str, Any]] = []
    if form.validate_on_submit():
        try:
            services.save_contact(contact, _contact_data(form), _int(form.version.data) or -1)
        except ValidationError as error:
            _add_errors(form, error.errors)
        except ConflictError as error:
            conflict = error.their_changes
            contact = _contact_or_404(contact_id)
            form.version.data = str(contact.version)  # saving again is now a deliberate choice
        else:
            flash("The changes were saved.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "contacts/contact_form.html",
        form=form,
        contact=contact,
        duplicates=[],
        conflict=conflict,
        labels=FIELD_LABELS,
    ), status


# --- Postings ---


@bp.route("/contacts/<int:contact_id>/postings/new", methods=["GET", "POST"])
@staff_required
def posting_new(contact_id: int) -> Any:
    """Add a posting (a position at an organisation, with its dates)."""
    contact = _contact_or_404(contact_id)
    if (blocked := _editable_or_redirect(contact)) is not None:
        return blocked
    form = PostingForm()
    form.organisation_id.choices = _organisation_choices("Choose an organisation")
    if form.validate_on_submit():
        data = PostingData(
            organisation_id=_int(form.organisation_id.data) or 0,
            position=form.position.data or "",
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            focal_point=bool(form.focal_point.data),
        )
        try:
            services.add_posting(contact, data)
        except ValidationError as error:
            _add_errors(form, error.errors)
        else:
            flash("The posting was added.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    return render_template(
        "contacts/posting_form.html", form=form, contact=contact
    ), 422 if form.errors else 200


@bp.route("/contacts/<int:contact_id>/postings/end", methods=["POST"])
@staff_required
def posting_end(contact_id: int) -> Any:
    """Close a posting on its last day; it stays in the person's and organisation's history."""
    contact = _contact_or_404(contact_id)
    if (blocked := _editable_or_redirect(contact)) is not None:
        return blocked
    form = EndPostingForm()
    if form.validate_on_submit():
        try:
            services.end_posting(contact, _int(form.posting_id.data) or 0, form.end_date.data)
        except ValidationError as error:
            _add_errors(form, error.errors, {"posting": "end_date"})
        else:
            flash("The posting was ended.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    return _render_detail(contact, 422, end_form=form)


@bp.route("/contacts/<int:contact_id>/move", methods=["GET", "POST"])
@staff_required
def contact_move(contact_id: int) -> Any:
    """A rotation: the current posting closes and the new one opens, in one step."""
    contact = _contact_or_404(contact_id)
    if (blocked := _editable_or_redirect(contact)) is not None:
        return blocked
    current = contact.current_postings
    if not current:
        flash("This person holds no current posting: add a posting instead.", "info")
        return redirect(url_for("contacts.posting_new", contact_id=contact.id))
    form = MoveForm()
    form.posting_id.choices = options(
        [
            (str(p.id), f"{p.position or 'Position not given'}, {p.organisation.display_name}")
            for p in current
        ]
    )
    form.organisation_id.choices = _organisation_choices("Choose an organisation")
    if request.method == "GET":
        form.posting_id.data = str(current[0].id)
        form.organisation_id.data = str(current[0].organisation_id)
    if form.validate_on_submit():
        new = PostingData(
            organisation_id=_int(form.organisation_id.data) or 0,
            position=form.position.data or "",
            focal_point=bool(form.focal_point.data),
        )
        try:
            services.move_contact(contact, _int(form.posting_id.data) or 0, form.moved_on.data, new)
        except ValidationError as error:
            _add_errors(form, error.errors, {"posting": "posting_id", "start_date": "moved_on"})
        else:
            flash(f"{contact.display_name} moved to the new posting.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    return render_template(
        "contacts/move_form.html", form=form, contact=contact
    ), 422 if form.errors else 200


# --- Archive, personal data, erasure ---


@bp.route("/contacts/<int:contact_id>/archive", methods=["POST"])
@staff_required
def contact_archive(contact_id: int) -> BaseResponse:
    """Archive a contact: hidden from lists, kept with everything."""
    return _set_archived(contact_id, True)


@bp.route("/contacts/<int:contact_id>/restore", methods=["POST"])
@staff_required
def contact_restore(contact_id: int) -> BaseResponse:
    """Bring an archived contact back into the lists."""
    return _set_archived(contact_id, False)


def _set_archived(contact_id: int, archived: bool) -> BaseResponse:
    contact = _contact_or_404(contact_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_contact_archived(contact, archived)
        except ValidationError as error:
            flash(" ".join(error.errors.values()), "error")
        else:
            flash(
                "The contact was archived." if archived else "The contact was restored.", "success"
            )
    return redirect(url_for("contacts.contact_detail", contact_id=contact.id))


@bp.route("/contacts/<int:contact_id>/personal-data", methods=["POST"])
@staff_required
def contact_personal_data(contact_id: int) -> BaseResponse:
    """Everything held about the person, as a JSON file; the export is audited."""
    contact = _contact_or_404(contact_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    body = json.dumps(export_personal_data(contact), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="contact-{contact.id}-personal-data.json"'
    )
    return response


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@staff_required
def contact_erase(contact_id: int) -> Any:
    """Confirm, then anonymise the person everywhere."""
    contact = _contact_or_404(contact_id)
    if contact.erased_at is not None:
        flash("This person's data has already been erased.", "info")
        return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        erase_contact(contact)
        flash("The person's data was erased. An audit event records the erasure.", "success")
        return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    return render_template("contacts/contact_erase.html", contact=contact, form=form)


# --- Merge ---


@bp.route("/contacts/<int:contact_id>/merge", methods=["GET", "POST"])
@staff_required
def contact_merge(contact_id: int) -> Any:
    """Find the other record of the same person, compare both, and merge it into this one."""
    contact = _contact_or_404(contact_id)
    if (blocked := _editable_or_redirect(contact)) is not None:
        return blocked
    form = MergeForm()
    if request.method == "POST" and form.validate_on_submit():
        other = services.lookup_contact(_int(form.other_id.data) or 0)
        if other is None:
            abort(404)
        try:
            merge_contacts(
                contact,
                other,
                _int(form.survivor_version.data) or -1,
                _int(form.other_version.data) or -1,
            )
        except ValidationError as error:
            flash(" ".join(error.errors.values()), "error")
        except ConflictError:
            flash("One of the two records changed since you compared them: check again.", "error")
            return redirect(
                url_for("contacts.contact_merge", contact_id=contact.id, other=other.id)
            )
        else:
            flash(f"Contact {other.id} was merged into this one.", "success")
            return redirect(url_for("contacts.contact_detail", contact_id=contact.id))
    q = services.clean_query_text(request.args.get("q"))
    other_arg = request.args.get("other", "").strip()
    other = None
    other_error = ""
    if other_arg:
        other_id = _int(other_arg)
        other = services.lookup_contact(other_id) if other_id else None
        if other is None or other.merged_into_id is not None or other.erased_at is not None:
            other, other_error = None, f"No contact can be merged with number {other_arg[:20]}."
        elif other.id == contact.id:
            other, other_error = None, "Choose another contact than this one."
    candidates: list[Contact] = []
    if q and other is None:
        page = services.find_contacts(ContactFilters(q=q), 1, 25)
        candidates = [c for c in page.items if c.id != contact.id]
    if other is not None:
        form.other_id.data = str(other.id)
        form.survivor_version.data = str(contact.version)
        form.other_version.data = str(other.version)
    return render_template(
        "contacts/contact_merge.html",
        contact=contact,
        other=other,
        other_error=other_error,
        q=q or "",
        other_arg=other_arg[:20],
        candidates=candidates,
        searched=bool(q),
        form=form,
        languages=LANGUAGES,
        display_phone=services.display_phone,
    ), (422 if other_error else 200)


# --- Experts ---


def _expert_filters(areas: list) -> tuple[str, str | None]:
    area = request.args.get("area", "")
    if area not in {a.slug for a in areas}:
        area = ""
    return area, services.clean_query_text(request.args.get("keyword"), 80)


@bp.route("/experts/export.<fmt>")
def expert_export(fmt: str) -> Response:
    """The experts shown, one row per person, as CSV or XLSX (no notes for coordinators)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    area, keyword = _expert_filters(services.thematic_areas())
    groups = services.find_experts(area or None, keyword)
    experts = list({c.id: c for g in groups for c in g.experts}.values())
    columns = contact_columns(include_staff_only=current_user.is_staff)
    rows = list(contact_rows(experts, columns))
    services.record_export("Contact", len(rows), fmt)
    return download(fmt, "experts", "Experts", [c.header for c in columns], rows)


@bp.route("/experts")
def expert_list() -> str:
    """The ISU's resource base: people with expertise, by thematic area."""
    areas = services.thematic_areas()
    area, keyword = _expert_filters(areas)
    groups = services.find_experts(area or None, keyword)
    return render_template(
        "contacts/expert_list.html",
        groups=groups,
        areas=areas,
        area=area,
        keyword=keyword or "",
        total=len({c.id for g in groups for c in g.experts}),
    )
