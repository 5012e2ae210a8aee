"""Children imported from the case-management system's CSV: every line checked first, all
or nothing, each change audited, and the same file twice changes nothing."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock, db
from portal.accounts.models import Child, Link, Role
from portal.audit import AuditEvent
from portal.casework import importer
from portal.clock import LONDON
from portal.i18n import LANGUAGE_NAMES
from portal.reviews import timescales
from portal.reviews.models import Review
from tests.helpers import csrf_token, post_form

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
HEADER = list(importer.COLUMNS)
ISROS = ("isro.a", "isro.b", "isro.c")
CARERS = ("carer.a", "carer.b", "carer.c", "carer.d")
ADVOCATES = ("advocate.a", "advocate.b")
REASONS = ("E4A", "home", "adoption", "E5", "18th birthday", "E3")


@pytest.fixture
def team(make):
    people = {name: make.account(Role.ISRO, username=name) for name in ISROS}
    people |= {name: make.account(Role.CARER, username=name) for name in CARERS}
    people |= {name: make.account(Role.ADVOCATE, username=name) for name in ADVOCATES}
    people["manager"] = make.account(Role.MANAGER, username="manager.a")
    return people


def _rows(n: int = 300) -> list[dict]:
    """n children: every language, a carer for every third, an advocate for every
    seventh (two carers for some), six who ceased to be looked after; dates written
    both ways, and some in Arabic-Indic digits."""
    languages = list(LANGUAGE_NAMES)
    rows = []
    for i in range(n):
        born = date(2008, 1, 1) + timedelta(days=i * 19)
        since = born + timedelta(days=400)
        row = {"reference": f"LCS{i:05d}", "preferred_name": f"Child {i}",
               "date_of_birth": born.isoformat(), "looked_after_since": since.isoformat(),
               "isro_username": ISROS[i % 3], "language": languages[i % len(languages)],
               "carer_username": "", "advocate_username": "", "ceased_on": "",
               "ceased_reason": ""}
        if i % 4 == 1:  # the way a UK spreadsheet writes dates
            row["date_of_birth"] = born.strftime("%d/%m/%Y")
        if i % 25 == 2:  # typed on an Arabic keyboard
            row["looked_after_since"] = since.isoformat().translate(
                str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        if i % 3 == 0:
            row["carer_username"] = CARERS[i % 4] + (";carer.d" if i % 12 == 0 else "")
        if i % 7 == 0:
            row["advocate_username"] = ADVOCATES[i % 2]
        if i % 50 == 5:
            row["ceased_on"] = (since + timedelta(days=100)).isoformat()
            row["ceased_reason"] = REASONS[(i // 50) % len(REASONS)]
        rows.append(row)
    return rows


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _links_expected(rows: list[dict]) -> int:
    return sum(len([n for n in (r["carer_username"] + ";" + r["advocate_username"]).split(";")
                    if n]) for r in rows if not r["ceased_on"])


def _count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def _import(app, text: str) -> importer.Counts:
    with app.app_context(), clock.fixed(NOW):
        preview = importer.read(io.StringIO(text))
        counts = importer.apply(preview, None)
        db.session().commit()
        return counts


def test_the_preview_counts_what_would_happen_and_writes_nothing(app, team):
    rows = _rows()
    events = _count(app, AuditEvent)  # the team's accounts
    with app.app_context(), clock.fixed(NOW):
        preview = importer.read(_csv(rows).encode())
    assert preview.errors == []
    assert (preview.lines, len(preview.added), len(preview.changed)) == (300, 300, 0)
    assert len(preview.ended) == 6 == sum(1 for r in rows if r["ceased_on"])
    assert len(preview.linked) == _links_expected(rows) > 100
    assert {kind for _change, _person, kind in preview.linked} == {"carer", "advocate"}
    assert _count(app, Child) == 0 and _count(app, AuditEvent) == events


def test_importing_adds_every_child_with_their_first_review_due(app, team):
    rows = _rows()
    counts = _import(app, _csv(rows))
    assert (counts.added, counts.changed, counts.ended, counts.linked) == (
        300, 0, 6, _links_expected(rows))
    with app.app_context():
        children = {c.reference: c for c in db.session().scalars(select(Child))}
        due = dict(db.session().execute(select(Review.child_id, Review.due_on).where(
            Review.held_on.is_(None))).all())
        assert len(children) == 300
        zero = children["LCS00000"]
        assert (zero.preferred_name, zero.language, zero.isro.username,
                zero.date_of_birth) == ("Child 0", "en", "isro.a", date(2008, 1, 1))
        assert children["LCS00001"].date_of_birth == date(2008, 1, 20)  # 20/01/2008
        # written in Arabic-Indic digits
        assert children["LCS00002"].looked_after_since == date(2008, 2, 8) + timedelta(
            days=400)
        assert {c.language for c in children.values()} == set(LANGUAGE_NAMES)
        for child in children.values():
            if child.ceased_on:  # no review is due for a child who left care
                assert child.id not in due and child.ceased_reason in (
                    "E4A", "E11", "E5", "E8", "E3")
            else:
                assert due[child.id] == timescales.review_due(child.looked_after_since, [])
        assert children["LCS00105"].ceased_reason == "E11"  # "adoption"
        assert db.session().scalar(select(func.count()).select_from(Link).where(
            Link.ends_on.is_(None))) == _links_expected(rows)
        actions = list(db.session().scalars(select(AuditEvent.action)))
    assert actions.count("child.added") == 300 and actions.count("child.ceased") == 6
    assert actions.count("link.added") == _links_expected(rows)


def test_the_same_file_again_changes_nothing(app, team):
    text = _csv(_rows())
    _import(app, text)
    before = (_count(app, Child), _count(app, Link), _count(app, Review),
              _count(app, AuditEvent))
    with app.app_context(), clock.fixed(NOW):
        preview = importer.read(text)
        assert preview.nothing_to_do and preview.errors == []
    counts = _import(app, text)
    assert (counts.added, counts.changed, counts.ended, counts.linked) == (0, 0, 0, 0)
    assert (_count(app, Child), _count(app, Link), _count(app, Review),
            _count(app, AuditEvent)) == before


def test_a_changed_file_changes_just_the_fields_that_changed(app, team):
    rows = _rows(30)
    _import(app, _csv(rows))
    rows[3]["preferred_name"] = "Sammy"
    rows[4]["language"] = "ti" if rows[4]["language"] != "ti" else "ar"
    rows[7]["isro_username"] = "isro.c" if rows[7]["isro_username"] != "isro.c" else "isro.a"
    rows[8]["ceased_on"], rows[8]["ceased_reason"] = "2026-02-01", "E4B"
    rows[10]["advocate_username"] = "advocate.b"  # newly linked
    rows.append({**rows[0], "reference": "NEW1", "preferred_name": "Nia", "carer_username": "",
                 "advocate_username": ""})
    with app.app_context(), clock.fixed(NOW):
        before = db.session().scalar(select(func.max(AuditEvent.id)))
        preview = importer.read(_csv(rows))
        assert [(c.row.reference, c.changed_fields) for c in preview.changed] == [
            ("LCS00003", ["preferred_name"]), ("LCS00004", ["language"]),
            ("LCS00007", ["isro_username"])]
        assert [c.row.reference for c in preview.ended] == ["LCS00008"]
        assert [(c.row.reference, p.username) for c, p, _kind in preview.linked] == [
            ("LCS00010", "advocate.b")]
        assert [c.row.reference for c in preview.added] == ["NEW1"]
        counts = importer.apply(preview, None)
        db.session().commit()
        assert (counts.added, counts.changed, counts.ended, counts.linked) == (1, 3, 1, 1)
        events = [(e.action, e.detail) for e in db.session().scalars(
            select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id))]
        children = {c.reference: c for c in db.session().scalars(select(Child))}
        assert children["LCS00003"].preferred_name == "Sammy"
        assert children["LCS00007"].isro.username == rows[7]["isro_username"]
        assert children["LCS00008"].ceased_on == date(2026, 2, 1)
        assert children["LCS00005"].preferred_name == "Child 5"  # untouched
    changed = [detail["fields"] for action, detail in events if action == "child.changed"]
    assert changed == [["preferred_name"], ["language"]]  # field names only, never values
    assert [a for a, _d in events].count("child.allocated") == 1
    assert [a for a, _d in events].count("child.added") == 1


def test_a_file_with_one_bad_line_imports_nothing_and_names_the_line_and_column(app, team):
    rows = _rows(20)
    rows[12]["date_of_birth"] = "31/02/2015"  # line 14: the header is line 1
    with app.app_context(), clock.fixed(NOW):
        preview = importer.read(_csv(rows))
        assert [str(e) for e in preview.errors] == [
            "line 14, date_of_birth: not a date (write yyyy-mm-dd or dd/mm/yyyy)"]
        assert preview.changes == [] and not preview.ok
        with pytest.raises(importer.ImportFailed):
            importer.apply(preview, None)
    assert _count(app, Child) == 0


@pytest.mark.parametrize(("column", "value", "problem"), [
    ("isro_username", "nobody.here", "nobody has the username nobody.here"),
    ("isro_username", "carer.a", "carer.a is not an ISRO"),
    ("carer_username", "isro.a", "isro.a is not a carer"),
    ("advocate_username", "ghost", "nobody has the username ghost"),
    ("language", "xx", "xx is not one of My Say's language codes"),
    ("date_of_birth", "2030-01-01", "in the future"),
    ("looked_after_since", "2001-01-01", "before date_of_birth"),
    ("ceased_reason", "E99", "E99 is not a DfE reason code"),
    ("preferred_name", "", "empty"),
    ("reference", "R" * 41, "longer than 40 characters"),
])
def test_each_kind_of_wrong_value_is_named_by_line_and_column(app, team, column, value,
                                                              problem):
    rows = _rows(5)
    rows[2][column] = value
    if column == "ceased_reason":
        rows[2]["ceased_on"] = "2026-01-01"
    with app.app_context(), clock.fixed(NOW):
        errors = [str(e) for e in importer.read(_csv(rows)).errors]
    assert len(errors) == 1 and errors[0].startswith(f"line 4, {column}: {problem}"), errors


def test_a_duplicate_reference_a_missing_column_and_a_lone_reason_are_refused(app, team):
    rows = _rows(6)
    rows[4]["reference"] = rows[1]["reference"]
    rows[3]["ceased_reason"] = "home"
    with app.app_context(), clock.fixed(NOW):
        errors = [str(e) for e in importer.read(_csv(rows)).errors]
        assert errors == ["line 5, ceased_on: empty, but ceased_reason is given",
                          "line 6, reference: the same reference is on line 3"]
        no_language = "\n".join(line.replace(",language", "", 1) if n == 0 else line
                                for n, line in enumerate(_csv(rows[:2]).splitlines()))
        assert [str(e) for e in importer.read(no_language).errors] == [
            "line 1, language: the header has no such column"]
        assert [str(e) for e in importer.read(b"").errors] == [
            "line 1: the file is empty: it needs a header row naming the columns"]


def test_an_excel_file_in_windows_1252_is_read(app, team):
    rows = _rows(1)
    rows[0]["preferred_name"] = "Zoë"
    with app.app_context(), clock.fixed(NOW):
        preview = importer.read(_csv(rows).encode("cp1252"))
    assert preview.errors == [] and preview.added[0].row.preferred_name == "Zoë"


def test_the_cli_previews_refuses_a_bad_file_and_imports(app, team, tmp_path):
    rows = _rows(12)
    path = tmp_path / "children.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    runner = app.test_cli_runner()
    with clock.fixed(NOW):
        dry = runner.invoke(args=["import-children", "--dry-run", str(path)])
        assert dry.exit_code == 0, dry.output
        assert "12 line(s): 12 to add, 0 to change, 1 ceased" in dry.output
        assert "line 2: LCS00000" in dry.output and "... and 7 more" in dry.output
        assert "Dry run: nothing was imported." in dry.output
        assert _count(app, Child) == 0
        rows[3]["language"] = "klingon"
        path.write_text(_csv(rows), encoding="utf-8")
        bad = runner.invoke(args=["import-children", str(path)])
        assert bad.exit_code == 1 and "line 5, language: klingon is not one of" in bad.output
        assert "nothing was imported" in bad.output and _count(app, Child) == 0
        rows[3]["language"] = "vi"
        path.write_text(_csv(rows), encoding="utf-8")
        done = runner.invoke(args=["import-children", str(path)])
        assert done.exit_code == 0, done.output
        assert "Imported: 12 added, 0 changed, 1 ceased" in done.output
        again = runner.invoke(args=["import-children", str(path)])
        assert "0 to add, 0 to change, 0 ceased, 0 link(s) to add" in again.output
    assert _count(app, Child) == 12


def _upload(client, text: str, name: str = "children.csv"):
    page = client.get("/children/import").get_data(as_text=True)
    return client.post("/children/import", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data")


def _kept_files(app) -> list:
    folder = app.config["PORTAL"].instance_dir / "child-imports"
    return list(folder.glob("*.csv")) if folder.exists() else []


def test_a_manager_previews_then_imports_on_the_web(app, team, signed_in):
    rows = _rows(40)
    with clock.fixed(NOW):
        manager = signed_in(team["manager"])
        assert "Import children from a CSV file" in manager.get("/caseload").get_data(
            as_text=True)
        preview = _upload(manager, _csv(rows))
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and "Import these changes" in page
        assert re.search(r"<dt>Children added</dt><dd>40</dd>", page)
        assert re.search(r"<dt>Ceased to be looked after</dt><dd>1</dd>", page)
        assert "Child 39" in page and _count(app, Child) == 0
        assert len(_kept_files(app)) == 1  # on the server, not in the cookie
        cookie = manager.get_cookie("mysay_session").value
        kept = app.session_interface.get_signing_serializer(app).loads(cookie)
        # Only a random name, who uploaded it and the file's own name: not its contents.
        assert set(kept["children_import"]) == {"name", "by", "files"}
        assert kept["children_import"]["files"] == ["children.csv"]
        assert _kept_files(app)[0].name == kept["children_import"]["name"] + ".0.csv"
        done = post_form(manager, "/children/import/apply", {}, page="/children/import")
        assert done.status_code == 302 and done.headers["Location"].endswith("/caseload")
        assert "Imported: 40 added, 0 changed, 1 ceased" in manager.get("/caseload").get_data(
            as_text=True)
        assert _count(app, Child) == 40 and _kept_files(app) == []
        again = _upload(manager, _csv(rows)).get_data(as_text=True)
        assert "Nothing to change" in again and "Import these changes" not in again
        assert _kept_files(app) == []


def test_the_web_page_shows_every_bad_line_and_imports_nothing(app, team, signed_in):
    rows = _rows(20)
    rows[12]["date_of_birth"] = "yesterday"
    rows[15]["isro_username"] = "nobody.here"
    with clock.fixed(NOW):
        manager = signed_in(team["manager"])
        page = _upload(manager, _csv(rows)).get_data(as_text=True)
        assert "Nothing can be imported yet" in page and "Import these changes" not in page
        assert "line 14, date_of_birth: not a date" in page
        assert "line 17, isro_username: nobody has the username nobody.here" in page
        assert _kept_files(app) == []
        refused = post_form(manager, "/children/import/apply", {}, page="/children/import")
        assert refused.status_code == 302 and _count(app, Child) == 0


def test_a_kept_file_is_deleted_after_an_hour(app, team, signed_in, make):
    with clock.fixed(NOW):
        manager = signed_in(team["manager"])
        _upload(manager, _csv(_rows(3)))
        assert len(_kept_files(app)) == 1
    with clock.fixed(NOW + timedelta(minutes=59)):
        other = signed_in(make.account(Role.MANAGER))
        other.get("/children/import")
        assert len(_kept_files(app)) == 1  # not yet
    with clock.fixed(NOW + timedelta(minutes=61)):
        other.get("/children/import")
        assert _kept_files(app) == []
        refused = post_form(other, "/children/import/apply", {}, page="/children/import")
        assert refused.status_code == 302
        assert "no longer kept" in other.get("/children/import").get_data(as_text=True)
    assert _count(app, Child) == 0


def test_only_managers_may_import(app, team, signed_in):
    with clock.fixed(NOW):
        isro = signed_in(team["isro.a"])
        assert isro.get("/children/import").status_code == 403
        token = csrf_token(isro.get("/settings").get_data(as_text=True))
        assert isro.post("/children/import", data={
            "csrf_token": token, "file": (io.BytesIO(_csv(_rows(2)).encode()), "c.csv")},
            content_type="multipart/form-data").status_code == 403
        assert isro.post("/children/import/apply",
                         data={"csrf_token": token}).status_code == 403
        assert "Import children" not in isro.get("/caseload").get_data(as_text=True)
    assert _count(app, Child) == 0


def test_an_upload_without_a_file_says_what_to_do(app, team, signed_in):
    manager = signed_in(team["manager"])
    response = post_form(manager, "/children/import", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Choose the CSV file" in page
