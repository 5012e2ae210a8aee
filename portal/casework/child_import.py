"""Importing children on the web: a manager uploads the case-management system's CSV, sees
every change it would make (or every line that is wrong), then imports it all or nothing.

Between the two steps the file is kept on the server (portal.kept_uploads).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, db
from portal.accounts.models import Role
from portal.casework import importer
from portal.casework.forms import ConfirmImportForm, ImportChildrenForm
from portal.i18n import LANGUAGE_NAMES
from portal.kept_uploads import KeptUploads

bp = Blueprint("child_import", __name__)
KEPT = KeptUploads("child-imports", "children_import")


def _about_the_file() -> dict:
    return {"columns": importer.COLUMNS, "required": importer.REQUIRED,
            "languages": list(LANGUAGE_NAMES)}


@bp.route("/children/import", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def upload():
    KEPT.sweep()
    form = ImportChildrenForm()
    preview = None
    if form.validate_on_submit():
        data = form.file.data.read()
        preview = importer.read(data)
        KEPT.forget()  # an earlier upload is replaced by this one
        if preview.ok and not preview.nothing_to_do:
            KEPT.keep([(form.file.data.filename or "children.csv", data)])
    return render_template("children/import.html", form=form, preview=preview,
                           confirm=ConfirmImportForm(), **_about_the_file())


@bp.route("/children/import/apply", methods=["POST"])
@access.allow(Role.MANAGER)
def confirm():
    if not ConfirmImportForm().validate_on_submit():
        flash(_("This page was open too long. Please upload the file again."))
        return redirect(url_for(".upload"))
    kept = KEPT.kept()
    if kept is None:
        flash(_("The file is no longer kept (files are kept for an hour). Please upload it "
                "again."))
        return redirect(url_for(".upload"))
    # Checked again: someone may have changed a child or an account since the preview.
    preview = importer.read(kept[0][1])
    if not preview.ok:
        KEPT.forget()
        return render_template("children/import.html", form=ImportChildrenForm(),
                               preview=preview, confirm=ConfirmImportForm(),
                               **_about_the_file())
    counts = importer.apply(preview, current_user._get_current_object())
    db.session().commit()
    KEPT.forget()
    flash(_("Imported: %(added)d added, %(changed)d changed, %(ended)d ceased to be looked "
            "after, %(linked)d carers and advocates linked.", added=counts.added,
            changed=counts.changed, ended=counts.ended, linked=counts.linked))
    return redirect(url_for("casework.caseload"))
