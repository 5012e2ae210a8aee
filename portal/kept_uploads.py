"""Files a manager uploaded for an import, kept between "preview" and "import".

Between the two steps the files stay on the server, in the instance folder under a
random name that only this person's session knows: never in the cookie. They are deleted
once imported, when other files are uploaded, and an hour after upload (by whichever
request sweeps first). Used by the children import and the SSDA903 import.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, session
from flask_login import current_user

from portal import clock

KEEP_SECONDS = 3600
_NAME = re.compile(r"[a-f0-9]{32}")


@dataclass(frozen=True)
class KeptUploads:
    folder_name: str  # below the instance folder
    session_key: str
    max_files: int = 1

    def folder(self) -> Path:
        folder = current_app.config["PORTAL"].instance_dir / self.folder_name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def sweep(self) -> None:
        """Delete every kept file older than an hour, whoever uploaded it."""
        oldest = clock.now().timestamp() - KEEP_SECONDS
        for path in self.folder().glob("*.csv"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
            except FileNotFoundError:
                pass  # another request swept it first

    def keep(self, files: list[tuple[str, bytes]]) -> None:
        """Keep (shown name, data) pairs for this person's session, replacing any before."""
        self.forget()
        name = secrets.token_hex(16)
        for i, (_shown, data) in enumerate(files):
            path = self.folder() / f"{name}.{i}.csv"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            # The file's time is the clock's, so "an hour" means the same in tests.
            os.utime(path, (clock.now().timestamp(), clock.now().timestamp()))
        session[self.session_key] = {"name": name, "by": current_user.id,
                                     "files": [shown for shown, _data in files]}

    def _paths(self) -> list[tuple[str, Path]] | None:
        kept = session.get(self.session_key)
        if not isinstance(kept, dict) or kept.get("by") != current_user.id or \
                not _NAME.fullmatch(str(kept.get("name", ""))) or \
                not isinstance(kept.get("files"), list) or \
                not 0 < len(kept["files"]) <= self.max_files:
            return None
        return [(str(shown), self.folder() / f"{kept['name']}.{i}.csv")
                for i, shown in enumerate(kept["files"])]

    def kept(self) -> list[tuple[str, bytes]] | None:
        """The files uploaded at the first step, if they are all still kept."""
        self.sweep()
        paths = self._paths()
        try:
            return [(shown, path.read_bytes()) for shown, path in paths] if paths else None
        except FileNotFoundError:
            return None

    def forget(self) -> None:
        for _shown, path in self._paths() or []:
            path.unlink(missing_ok=True)
        session.pop(self.session_key, None)
