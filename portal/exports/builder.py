"""A child's own file: one zip of everything they sent and everything written to them.

What is in it (ICO Children's Code, "online tools": a child can see and download
everything they sent):

- each thing they sent, oldest first: forms (questions and answers) as a page, poems as
  plain text, pictures at full size, voice notes, with their titles and captions;
- their conversation with their ISRO: the messages they wrote, the replies, attachments;
- every published letter (its newest version) and the plans agreed at each review;
- ``index.html``, which lists and links every item with its date, in the child's
  language, and opens in any browser without the internet: no scripts, no links to other
  sites, its style written inside the page.

Names inside the zip are made here (``01-poem-2026-11-03.txt``,
``pictures/02-2026-11-03.jpg``), never taken from anything a person sent. Words are
written exactly as typed: as UTF-8 in a ``.txt`` file, escaped (never marked safe) in a
page. The zip is written to a ``SpooledTemporaryFile``, so a big export goes to disk
rather than sitting in memory, and each stored file is copied into it in pieces.

Everything is read through the other packages' queries; nothing here writes.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from flask import render_template
from flask_babel import force_locale

from portal import clock
from portal.accounts.models import Child
from portal.consultations import queries as things
from portal.consultations.models import Kind, Submission
from portal.consultations.questionnaires import SECTIONS, any_form
from portal.i18n import FORMAT_LOCALE, RequestLocale, supported
from portal.media.storage import FileStore
from portal.messages import queries as conversations
from portal.messages.models import Message
from portal.reviews import my_plan
from portal.reviews import queries as reviews
from portal.reviews.letters import SECTIONS as LETTER_SECTIONS
from portal.reviews.models import Letter, LetterVersion, PlanReport, Review

DOWNLOAD_NAME = "my-say.zip"
# Kept in memory up to this size, then moved to a temporary file on disk.
IN_MEMORY_BYTES = 8 * 1024 * 1024
CHUNK = 256 * 1024
# Pictures and sound are compressed already; text and pages are squeezed.
ALREADY_COMPRESSED = {"jpg", "jpeg", "png", "webm", "ogg", "m4a", "mp3", "mp4"}
# What a form is called in its file name (plain ASCII, whatever the page language).
FORM_NAMES = {"observation": "observations", "visit": "visit-notes", "advocacy": "advocate-views"}


@dataclass
class Thing:
    """One thing the child sent, and where it sits in the zip."""

    item: Submission
    path: str | None  # its own file, if it has one
    missing: bool = False  # the stored file could not be found: listed, not included


@dataclass
class Said:
    """One message in the child's conversation."""

    message: Message
    mine: bool
    path: str | None  # its attachment
    missing: bool = False


@dataclass
class Written:
    """A published letter, at its newest version."""

    letter: Letter
    version: LetterVersion
    path: str


@dataclass
class ChildFile:
    child: Child
    language: str
    made_at: datetime
    things: list[Thing] = field(default_factory=list)
    messages: list[Said] = field(default_factory=list)
    letters: list[Written] = field(default_factory=list)
    plans: list[Review] = field(default_factory=list)
    # What the child said about their plan: "This hasn't happened", and their words.
    plan_reports: list[PlanReport] = field(default_factory=list)


def language_of(child: Child) -> str:
    """The child's language: their own setting if they chose one, else their record's."""
    chosen = child.account.language if child.account else None
    return supported(chosen) or supported(child.language) or "en"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(clock.LONDON)


def _day(moment: datetime) -> str:
    return _local(moment).date().isoformat()


def _extension(stored_name: str) -> str:
    return stored_name.rsplit(".", 1)[-1]


def _numbers(count: int):
    width = max(2, len(str(count)))
    return (str(n).zfill(width) for n in range(1, count + 1))


def _thing_path(item: Submission, number: str) -> str | None:
    day = _day(item.sent_at or item.created_at)
    if item.kind in (Kind.FORM, Kind.ADVOCACY):
        return f"{number}-{FORM_NAMES.get(item.questionnaire or '', 'form')}-{day}.html"
    if item.kind == Kind.POEM:
        return f"{number}-poem-{day}.txt"
    if item.file is None:
        return None
    folder = "pictures" if item.kind == Kind.PICTURE else "voice"
    return f"{folder}/{number}-{day}.{_extension(item.file.name)}"


def collect(child: Child, language: str) -> ChildFile:
    """What goes in the child's file, with the name each item gets in the zip."""
    contents = ChildFile(child=child, language=language, made_at=clock.now())
    sent = sorted(things.sent_by_child(child.id),
                  key=lambda item: (item.sent_at or item.created_at, item.id))
    contents.things = []
    for item, number in zip(sent, _numbers(len(sent)), strict=True):
        path = _thing_path(item, number)
        # A picture or voice note whose file has gone (retention) is listed as missing.
        contents.things.append(Thing(item, path, missing=path is None and item.kind in (
            Kind.PICTURE, Kind.VOICE)))
    conversation = (conversations.find_conversation(child.id, child.account_id)
                    if child.account_id else None)
    if conversation is not None:
        messages = conversations.messages_in(conversation.id)
        contents.messages = [
            Said(message, message.author_id == child.account_id,
                 f"messages/{number}-{_day(message.created_at)}."
                 f"{_extension(message.file.name)}" if message.file else None)
            for message, number in zip(messages, _numbers(len(messages)), strict=True)]
    letters = [letter for letter in reviews.letters_for([child.id]) if letter.latest]
    letters.sort(key=lambda letter: (letter.latest.published_at, letter.id))
    contents.letters = [
        Written(letter, letter.latest,
                f"letters/{number}-letter-{_day(letter.latest.published_at)}.html")
        for letter, number in zip(letters, _numbers(len(letters)), strict=True)]
    contents.plans = list(reversed(reviews.reviews_with_plans(child.id)))
    contents.plan_reports = my_plan.reports_by(child.id)
    return contents


def build(child: Child, language: str, store: FileStore) -> tuple[BinaryIO, int]:
    """The child's file as a zip in a temporary file (at its start), and its size."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES, mode="w+b")
    try:
        write(collect(child, language), spool, store)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size


def write(contents: ChildFile, out: BinaryIO, store: FileStore) -> None:
    """Write the zip to ``out``: each file, then the pages that list and show them."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for thing in contents.things:
            item = thing.item
            if thing.path is None or item.kind in (Kind.FORM, Kind.ADVOCACY):
                continue
            if item.kind == Kind.POEM:
                text = f"{item.title}\n\n{item.body or ''}" if item.title else item.body or ""
                _add_text(archive, thing.path, text, item.sent_at)
            else:
                thing.missing = not _add_stored(archive, thing.path, store, item.file.name,
                                                item.sent_at)
        for said in contents.messages:
            if said.path:
                said.missing = not _add_stored(archive, said.path, store,
                                               said.message.file.name, said.message.created_at)
        with force_locale(FORMAT_LOCALE.get(contents.language, contents.language)):
            page = _page_context(contents)
            for thing in contents.things:
                if thing.item.kind in (Kind.FORM, Kind.ADVOCACY):
                    questionnaire = any_form(thing.item.questionnaire)
                    html = render_template(
                        "exports/form.html", thing=thing, **page,
                        questions=questionnaire.shown(thing.item.answers or {})
                        if questionnaire else [])
                    _add_text(archive, thing.path, html, thing.item.sent_at)
            for written in contents.letters:
                html = render_template("exports/letter.html", written=written, **page)
                _add_text(archive, written.path, html, written.version.published_at)
            _add_text(archive, "index.html", render_template("exports/index.html", **page),
                      contents.made_at)


def _page_context(contents: ChildFile) -> dict:
    return {"contents": contents, "child": contents.child,
            "locale": RequestLocale.for_code(contents.language), "sections": SECTIONS,
            "letter_sections": LETTER_SECTIONS}


def _info(name: str, when: datetime | None, *, stored: bool) -> zipfile.ZipInfo:
    moment = _local(when or clock.now())
    info = zipfile.ZipInfo(name, date_time=(max(moment.year, 1980), moment.month, moment.day,
                                            moment.hour, moment.minute, moment.second))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # readable by whoever unpacks it, nobody else
    return info


def _add_text(archive: zipfile.ZipFile, name: str, text: str, when: datetime | None) -> None:
    archive.writestr(_info(name, when, stored=False), text.encode("utf-8"))


def _add_stored(archive: zipfile.ZipFile, name: str, store: FileStore, stored_name: str,
                when: datetime | None) -> bool:
    """Copy a stored file into the zip in pieces; False if it is not in the store."""
    try:
        source = store.open(stored_name)
    except (OSError, ValueError):
        return False
    info = _info(name, when, stored=_extension(stored_name) in ALREADY_COMPRESSED)
    with source, archive.open(info, "w") as target:
        shutil.copyfileobj(source, target, CHUNK)
    return True
