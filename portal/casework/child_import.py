"""Importing children on the web: a manager uploads the case-management system's CSV, sees
every change it would make (or every line that is wrong), then imports it all or nothing.

Between the two steps the file is kept on the server, in the instance folder under a
random name that only this person's session knows: never in the cookie. It is deleted
once imported, when another file is uploaded, and an hour after it was uploaded.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, clock, db
from portal.accounts.models import Role
from portal.casework import importer
from portal.casework.forms import ConfirmImportForm, ImportChildrenForm
from portal.i18n import LANGUAGE_NAMES

bp = Blueprint("child_import", __name__)
KEEP_SECONDS = 3600
SESSION_KEY = "children_import"
_NAME = re.compile(r"[A-Za-z0-9_-]{32}")


def _folder() -> Path:
    folder = current_app.config["PORTAL"].instance_dir / "child-imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Delete every kept file older than an hour, whoever uploaded it."""
    oldest = clock.now().timestamp() - KEEP_SECONDS
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            pass  # another request swept it first


def _keep(data: bytes) -> None:
    name = secrets.token_hex(16)
    path = _folder() / f"{name}.csv"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    # The file's time is the clock's, so "an hour" means the same in tests.
    os.utime(path, (clock.now().timestamp(), clock.now().timestamp()))
    session[SESSION_KEY] = {"name": name, "by": current_user.id}


def _kept_path() -> Path | None:
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("by") != current_user.id or \
            not _NAME.fullmatch(str(kept.get("name", ""))):
        return None
    return _folder() / f"{kept['name']}.csv"


def _kept() -> bytes | None:
    """The file uploaded at the first step, if it is still kept."""
    folder = _folder()
    _sweep(folder)
    path = _kept_path()
    try:
        return path.read_bytes() if path else None
    except FileNotFoundError:
        return None


def _forget() -> None:
    path = _kept_path()
    if path is not None:
        path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)


def _about_the_file() -> dict:
    return {"columns": importer.COLUMNS, "required": importer.REQUIRED,
            "languages": list(LANGUAGE_NAMES)}


@bp.route("/children/import", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def upload():
    _sweep(_folder())
    form = ImportChildrenForm()
    preview = None
    if form.validate_on_submit():
        data = form.file.data.read()
        preview = importer.read(data)
        _forget()  # an earlier upload is replaced by this one
        if preview.ok and not preview.nothing_to_do:
            _keep(data)
    return render_template("children/import.html", form=form, preview=preview,
                           confirm=ConfirmImportForm(), **_about_the_file())


@bp.route("/children/import/apply", methods=["POST"])
@access.allow(Role.MANAGER)
def confirm():
    if not ConfirmImportForm().validate_on_submit():
        flash(_("This page was open too long. Please upload the file again."))
        return redirect(url_for(".upload"))
    data = _kept()
    if data is None:
        flash(_("The file is no longer kept (files are kept for an hour). Please upload it "
                "again."))
        return redirect(url_for(".upload"))
    # Checked again: someone may have changed a child or an account since the preview.
    preview = importer.read(data)
    if not preview.ok:
        _forget()
        return render_template("children/import.html", form=ImportChildrenForm(),
                               preview=preview, confirm=ConfirmImportForm(),
                               **_about_the_file())
    counts = importer.apply(preview, current_user._get_current_object())
    db.session().commit()
    _forget()
    flash(_("Imported: %(added)d added, %(changed)d changed, %(ended)d ceased to be looked "
            "after, %(linked)d carers and advocates linked.", added=counts.added,
            changed=counts.changed, ended=counts.ended, linked=counts.linked))
    return redirect(url_for("casework.caseload"))
