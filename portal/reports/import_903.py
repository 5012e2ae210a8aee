"""Importing the council's SSDA903 return on the web: a manager uploads its CSV tables
together, sees what they would change (or every line that is wrong), then imports them
all or nothing. The files are kept between the two steps as ``casework.child_import``
keeps one: in the instance folder under a random name only this person's session knows,
deleted once imported, when others are uploaded, and an hour after upload.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from portal import access, clock, db
from portal.accounts.models import Role
from portal.casework.child_import import _sweep
from portal.reports import ssda903
from portal.reports.forms import ConfirmImport903Form, Import903Form

bp = Blueprint("import_903", __name__)
SESSION_KEY = "import_903"
MAX_FILES = 8
_NAME = re.compile(r"[a-f0-9]{32}")


def _folder() -> Path:
    folder = current_app.config["PORTAL"].instance_dir / "903-imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _keep(files: list[tuple[str, bytes]]) -> None:
    name = secrets.token_hex(16)
    for i, (_shown, data) in enumerate(files):
        path = _folder() / f"{name}.{i}.csv"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.utime(path, (clock.now().timestamp(), clock.now().timestamp()))
    session[SESSION_KEY] = {"name": name, "by": current_user.id,
                            "files": [shown for shown, _data in files]}


def _kept_paths() -> list[tuple[str, Path]] | None:
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("by") != current_user.id or \
            not _NAME.fullmatch(str(kept.get("name", ""))) or \
            not isinstance(kept.get("files"), list) or len(kept["files"]) > MAX_FILES:
        return None
    return [(str(shown), _folder() / f"{kept['name']}.{i}.csv")
            for i, shown in enumerate(kept["files"])]


def _kept() -> list[tuple[str, bytes]] | None:
    """The files uploaded at the first step, if they are all still kept."""
    _sweep(_folder())
    paths = _kept_paths()
    try:
        return [(shown, path.read_bytes()) for shown, path in paths] if paths else None
    except FileNotFoundError:
        return None


def _forget() -> None:
    for _shown, path in _kept_paths() or []:
        path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)


def _page(form: Import903Form, preview: ssda903.Preview | None):
    return render_template("reports/import903.html", form=form, preview=preview,
                           confirm=ConfirmImport903Form(), tables=ssda903.TABLES,
                           optional=ssda903.OPTIONAL)


@bp.route("/reports/import-903", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def upload():
    _sweep(_folder())
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
        _forget()  # an earlier upload is replaced by this one
        if preview.ok and not preview.nothing_to_do:
            _keep(files)
    return _page(form, preview)


@bp.route("/reports/import-903/apply", methods=["POST"])
@access.allow(Role.MANAGER)
def confirm():
    if not ConfirmImport903Form().validate_on_submit():
        flash(_("This page was open too long. Please upload the files again."))
        return redirect(url_for(".upload"))
    files = _kept()
    if files is None:
        flash(_("The files are no longer kept (files are kept for an hour). Please upload "
                "them again."))
        return redirect(url_for(".upload"))
    # Checked again: a child may have changed since the preview.
    preview = ssda903.read(files)
    if not preview.ok:
        _forget()
        return _page(Import903Form(), preview)
    counts = ssda903.apply(preview, current_user._get_current_object())
    db.session().commit()
    _forget()
    flash(_("Imported from the 903 return: %(added)d children added, %(changed)d changed, "
            "%(episodes)d episodes added, %(episodes_changed)d changed, %(ceased)d ceased to "
            "be looked after, %(reviews)d reviews added.", added=counts.children_added,
            changed=counts.children_changed, episodes=counts.episodes_added,
            episodes_changed=counts.episodes_changed, ceased=counts.ceased,
            reviews=counts.reviews_added))
    return redirect(url_for("reports.index"))

