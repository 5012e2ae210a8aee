"""Importing the council's SSDA903 return on the web: a manager uploads its CSV tables
together, sees what they would change (or every line that is wrong), then imports them
all or nothing. The files are kept between the two steps by portal.kept_uploads.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from portal import access, db
from portal.accounts.models import Role
from portal.kept_uploads import KeptUploads
from portal.reports import ssda903
from portal.reports.forms import ConfirmImport903Form, Import903Form

bp = Blueprint("import_903", __name__)
MAX_FILES = 8
KEPT = KeptUploads("903-imports", "import_903", MAX_FILES)


def _page(form: Import903Form, preview: ssda903.Preview | None):
    return render_template("reports/import903.html", form=form, preview=preview,
                           confirm=ConfirmImport903Form(), tables=ssda903.TABLES,
                           optional=ssda903.OPTIONAL)


@bp.route("/reports/import-903", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def upload():
    KEPT.sweep()
    form = Import903Form()
    preview = None
    if form.validate_on_submit():
        uploaded = [f for f in form.files.data if f and f.filename]
        if len(uploaded) > MAX_FILES:
            form.files.errors = [_("Choose at most %(num)d files", num=MAX_FILES)]
            return _page(form, None)
        files = [(secure_filename(f.filename)[:80] or f"file-{i + 1}.csv", f.read())
                 for i, f in enumerate(uploaded)]
        preview = ssda903.read(files)
        KEPT.forget()  # an earlier upload is replaced by this one
        if preview.ok and not preview.nothing_to_do:
            KEPT.keep(files)
    return _page(form, preview)


@bp.route("/reports/import-903/apply", methods=["POST"])
@access.allow(Role.MANAGER)
def confirm():
    if not ConfirmImport903Form().validate_on_submit():
        flash(_("This page was open too long. Please upload the files again."))
        return redirect(url_for(".upload"))
    files = KEPT.kept()
    if files is None:
        flash(_("The files are no longer kept (files are kept for an hour). Please upload "
                "them again."))
        return redirect(url_for(".upload"))
    # Checked again: a child may have changed since the preview.
    preview = ssda903.read(files)
    if not preview.ok:
        KEPT.forget()
        return _page(Import903Form(), preview)
    counts = ssda903.apply(preview, current_user._get_current_object())
    db.session().commit()
    KEPT.forget()
    flash(_("Imported from the 903 return: %(added)d children added, %(changed)d changed, "
            "%(episodes)d episodes added, %(episodes_changed)d changed, %(ceased)d ceased to "
            "be looked after, %(reviews)d reviews added.", added=counts.children_added,
            changed=counts.children_changed, episodes=counts.episodes_added,
            episodes_changed=counts.episodes_changed, ceased=counts.ceased,
            reviews=counts.reviews_added))
    return redirect(url_for("reports.index"))

