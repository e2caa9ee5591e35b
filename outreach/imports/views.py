"""Pages of the import: upload, map columns, preview, import, batches and undo."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.core.access import staff_required
from outreach.directory.lists import Page, page_numbers
from outreach.imports import services
from outreach.imports.fields import FIELDS, KINDS
from outreach.imports.forms import ImportForm, UndoForm, UploadForm, chosen_mapping, mapping_form
from outreach.imports.models import ImportUpload

bp = Blueprint("imports", __name__)

PROBLEMS_PER_PAGE = 50
DUPLICATES_SHOWN = 100


def _upload_or_404(token: str) -> ImportUpload:
    """The user's own upload; anyone else's token is unknown."""
    upload = services.get_upload(token, current_user.id)
    if upload is None:
        abort(404)
    return upload


def _step_back(error: Exception, token: str) -> Response:
    """Back to the step that can fix the error: the columns, or the upload (the file can no
    longer be read, say because the limits changed)."""
    flash(str(error), "error")
    if isinstance(error, services.MappingError):
        return redirect(url_for("imports.import_map", token=token))
    return redirect(url_for("imports.import_start"))


def _limits() -> dict[str, int]:
    return {
        "max_bytes": current_app.config["IMPORT_MAX_BYTES"],
        "max_rows": current_app.config["IMPORT_MAX_ROWS"],
    }


@bp.route("/import", methods=["GET", "POST"])
@staff_required
def import_start() -> ResponseReturnValue:
    """Choose what to import and upload the file."""
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        content = storage.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        try:
            upload = services.create_upload(
                current_user.id, form.kind.data, storage.filename or "", content
            )
        except services.ReadError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            return redirect(url_for("imports.import_map", token=upload.token))
    status = 422 if form.errors else 200
    page = render_template("imports/start.html", form=form, fields=FIELDS, kinds=KINDS, **_limits())
    return page, status


@bp.route("/import/<token>/map", methods=["GET", "POST"])
@staff_required
def import_map(token: str) -> ResponseReturnValue:
    """Say which field each column of the file holds."""
    upload = _upload_or_404(token)
    try:
        table = services.read_file(upload.content, upload.filename)
    except services.ReadError as error:  # the limits changed since the upload
        flash(str(error), "error")
        return redirect(url_for("imports.import_start"))
    count = len(table.headers)
    initial = services.initial_mapping(current_user.id, upload.kind, table.headers)
    form = mapping_form(upload.kind, count, initial)
    problems: list[str] = []
    if form.validate_on_submit():
        mapping = chosen_mapping(form, count)
        problems = services.check_mapping(upload.kind, table.headers, mapping)
        if not problems:
            services.remember_mapping(current_user.id, upload.kind, table.headers, mapping)
            return redirect(url_for("imports.import_preview", token=token))
    columns = [
        {
            "name": services.column_name(table.headers, index),
            "samples": table.column(index),
            "field": form[f"column_{index}"],
        }
        for index in range(count)
    ]
    status = 422 if problems or form.errors else 200
    page = render_template(
        "imports/map.html",
        upload=upload,
        table=table,
        form=form,
        columns=columns,
        problems=problems,
        kind_label=KINDS[upload.kind],
        fields=FIELDS[upload.kind],
    )
    return page, status


@bp.route("/import/<token>/preview")
@staff_required
def import_preview(token: str) -> ResponseReturnValue:
    """What the import would do: rows with problems, duplicates, new records."""
    upload = _upload_or_404(token)
    try:
        preview = services.preview_upload(upload)
    except (services.ReadError, services.MappingError) as error:
        return _step_back(error, token)
    page_number, _ = page_numbers(request.args)
    faulty = preview.faulty
    start = (page_number - 1) * PROBLEMS_PER_PAGE
    problems = Page(
        items=faulty[start : start + PROBLEMS_PER_PAGE],
        total=len(faulty),
        page=page_number,
        per_page=PROBLEMS_PER_PAGE,
    )
    return render_template(
        "imports/preview.html",
        upload=upload,
        preview=preview,
        problems=problems,
        duplicates=preview.duplicates[:DUPLICATES_SHOWN],
        duplicates_shown=DUPLICATES_SHOWN,
        kind_label=KINDS[upload.kind],
        form=ImportForm(),
    )


@bp.route("/import/<token>/run", methods=["POST"])
@staff_required
def import_run(token: str) -> Response:
    """Import every valid row, in one transaction."""
    upload = _upload_or_404(token)
    form = ImportForm()
    if not form.validate_on_submit():
        flash("Choose whether to skip or update the duplicates.", "error")
        return redirect(url_for("imports.import_preview", token=token))
    try:
        result = services.import_upload(upload, form.on_duplicate.data)
    except (services.ReadError, services.MappingError) as error:
        return _step_back(error, token)
    if result.batch is None:
        if result.errors:
            flash(
                "Nothing was imported: every row has a problem or repeats another. Correct the "
                "file and upload it again.",
                "warning",
            )
        else:
            flash("Nothing was imported: every row is already in Outreach.", "info")
        return redirect(url_for("imports.import_preview", token=token))
    batch = result.batch
    flash(
        f"Imported: {batch.created_count} created, {batch.updated_count} updated, "
        f"{batch.skipped_count} not imported.",
        "success",
    )
    return redirect(url_for("imports.import_batch", batch_id=batch.id))


@bp.route("/import/batches")
@staff_required
def import_batches() -> str:
    """Every import, newest first, with Undo."""
    page_number, per_page = page_numbers(request.args)
    batches = services.list_batches(page_number, per_page)
    return render_template("imports/batches.html", batches=batches, kinds=KINDS, form=UndoForm())


@bp.route("/import/batches/<int:batch_id>")
@staff_required
def import_batch(batch_id: int) -> str:
    """One import: its counts, what it created and updated, and the rows left out."""
    batch = services.get_batch(batch_id)
    if batch is None:
        abort(404)
    created, updated = services.batch_records(batch)
    not_imported = (batch.changes or {}).get("not_imported", [])
    return render_template(
        "imports/batch.html",
        batch=batch,
        created=created,
        updated=updated,
        not_imported=not_imported,
        kinds=KINDS,
        form=UndoForm(),
    )


@bp.route("/import/batches/<int:batch_id>/undo", methods=["POST"])
@staff_required
def import_undo(batch_id: int) -> Response:
    """Delete what an import created and restore what it updated."""
    if services.get_batch(batch_id) is None:
        abort(404)
    if UndoForm().validate_on_submit():
        try:
            batch = services.undo_batch(batch_id)
        except services.UndoError as error:
            flash(str(error), "error")
        else:
            flash(
                f"Import undone: {batch.created_count} deleted, {batch.updated_count} restored.",
                "success",
            )
    return redirect(url_for("imports.import_batch", batch_id=batch_id))
