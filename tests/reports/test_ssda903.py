"""Importing the council's SSDA903 tables: by the command and on the managers' page, all
or nothing, naming the file, line and column of each problem, and idempotent."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal import clock, db
from tests.reports.ssda903_year import TODAY, make_year, parse


@pytest.fixture
def today():
    with clock.fixed(datetime.combine(TODAY, datetime.min.time()).replace(hour=12)):
        yield


def _write(tmp_path, year) -> list[str]:
    paths = []
    for name, data in year.files:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    return paths


def _snapshot(app) -> dict:
    from portal.accounts.models import Child
    from portal.audit import AuditEvent
    from portal.reports.ssda903_models import Episode, UascRecord
    from portal.reviews.models import Review

    with app.app_context():
        session = db.session()
        return {
            "children": sorted(session.execute(select(
                Child.reference, Child.sex, Child.ethnicity, Child.upn, Child.date_of_birth,
                Child.asylum_seeking, Child.ceased_on, Child.ceased_reason,
                Child.looked_after_since)).all()),
            "episodes": sorted(session.execute(select(
                Episode.child_id, Episode.decom, Episode.dec, Episode.rec, Episode.ls,
                Episode.place, Episode.pl_distance)).all()),
            "uasc": sorted(session.execute(select(UascRecord.child_id, UascRecord.duc)).all()),
            "reviews": session.scalar(select(func.count()).select_from(Review)),
            "events": session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def test_the_command_imports_a_year_and_twice_changes_nothing(app, tmp_path, today):
    year = make_year()
    paths = _write(tmp_path, year)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-903", *paths])
    assert result.exit_code == 0, result.output
    assert f"{len(year.header)} children added" in result.output
    assert f"{len(year.episodes)} episodes added" in result.output
    assert f"{len(year.reviews)} reviews added" in result.output
    first = _snapshot(app)
    assert len(first["children"]) == len(year.header)
    assert len(first["episodes"]) == len(year.episodes)
    assert len(first["uasc"]) == len(year.uasc)
    by_reference = {row.reference: row for row in first["children"]}
    for h in year.header:
        child = by_reference[h["CHILD"]]
        assert (child.sex, child.ethnicity, child.upn) == (h["SEX"], h["ETHNIC"], h["UPN"] or None)
    assert {r for r, c in by_reference.items() if c.asylum_seeking} == \
        {u["CHILD"] for u in year.uasc}
    last = {}
    for e in year.episodes:
        if e["CHILD"] not in last or parse(e["DECOM"]) > parse(last[e["CHILD"]]["DECOM"]):
            last[e["CHILD"]] = e
    for reference, e in last.items():
        child = by_reference[reference]
        assert (child.ceased_on, child.ceased_reason) == (parse(e["DEC"]), e["REC"] or None)

    again = runner.invoke(args=["import-903", *paths])
    assert again.exit_code == 0 and "Nothing to change" in again.output
    assert _snapshot(app) == first


def test_postcodes_are_never_stored(app, today):
    from portal.reports.ssda903_models import Episode

    columns = {c.name for c in Episode.__table__.columns}
    assert not {"home_post", "pl_post"} & columns
    assert "pl_distance" in columns


def test_one_wrong_code_imports_nothing_and_names_file_line_and_column(app, tmp_path, today):
    year = make_year(60)
    year.episodes[9]["LS"] = "C9"
    result = app.test_cli_runner().invoke(args=["import-903", *_write(tmp_path, year)])
    assert result.exit_code == 1
    assert "Episodes.csv: line 11, LS: C9 is not one of the DfE's 903 codes" in result.output
    assert _snapshot(app)["children"] == []


@pytest.mark.parametrize(("kind", "index", "column", "value", "problem"), [
    ("header", 3, "ETHNIC", "XXXX", "Header.csv: line 5, ETHNIC: XXXX is not one"),
    ("header", 0, "SEX", "9", "Header.csv: line 2, SEX: 9 is not one"),
    ("episodes", 0, "DECOM", "31/02/2024", "Episodes.csv: line 2, DECOM: not a date"),
    ("episodes", 2, "PLACE", "U9", "Episodes.csv: line 4, PLACE: U9 is not one"),
    ("episodes", 1, "PL_DISTANCE", "far", "Episodes.csv: line 3, PL_DISTANCE: not a distance"),
    ("uasc", 0, "DUC", "", "UASC.csv: line 2, DUC: empty"),
    ("reviews", 0, "REVIEW_CODE", "PN9", "Reviews.csv: line 2: PN9"),
])
def test_a_bad_line_in_any_table_is_named(app, today, kind, index, column, value, problem):
    from portal.reports import ssda903

    year = make_year(60)
    getattr(year, kind)[index][column] = value
    with app.app_context():
        preview = ssda903.read(year.files)
    assert not preview.ok and any(str(e).startswith(problem) for e in preview.errors), \
        [str(e) for e in preview.errors]


def test_a_file_that_is_no_903_table_is_refused(app, today):
    from portal.reports import ssda903

    with app.app_context():
        preview = ssda903.read([("notes.csv", b"name,age\nSam,12\n"),
                                ("Episodes.csv", b"CHILD,DECOM\nC1,01/01/2025\n")])
    problems = [str(e) for e in preview.errors]
    assert problems[0].startswith("notes.csv: line 1: this is not a 903 table")
    assert "Episodes.csv: line 1, RNE: the header has no such column" in problems


def test_an_episode_changed_later_is_updated_and_the_child_ceases(app, today):
    from portal.accounts.models import Child
    from portal.reports import ssda903

    year = make_year(40)
    with app.app_context():
        ssda903.apply(ssda903.read(year.files), None)
        db.session().commit()
    reference = next(e["CHILD"] for e in year.episodes if not e["DEC"] and e["CHILD"] !=
                     "SGO1")
    episode = [e for e in year.episodes if e["CHILD"] == reference][-1]
    episode.update(DEC="01/03/2026", REC="E4A", PL_DISTANCE="25.0")
    if parse(episode["DECOM"]) > date(2026, 3, 1):
        episode["DEC"] = episode["DECOM"]
    with app.app_context():
        preview = ssda903.read(year.files)
        counts = preview.counts
        assert (counts.children_added, counts.episodes_added, counts.episodes_changed,
                counts.ceased) == (0, 0, 1, 1)
        ssda903.apply(preview, None)
        db.session().commit()
        child = db.session().scalar(select(Child).where(Child.reference == reference))
        assert (child.ceased_on, child.ceased_reason) == (parse(episode["DEC"]), "E4A")
        assert ssda903.read(year.files).nothing_to_do


def test_a_manager_imports_the_903_files_together_on_the_web(app, make, today):
    from portal.accounts.models import Role
    from tests.helpers import csrf_token, sign_in

    year = make_year(50)
    make.account(Role.MANAGER, username="boss")
    client = app.test_client()
    sign_in(client, "boss")
    page = client.get("/reports/import-903")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)),
            "files": [(io.BytesIO(content), name) for name, content in year.files]}
    preview = client.post("/reports/import-903", data=data,
                          content_type="multipart/form-data")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "What importing these files would do" in text
    assert _snapshot(app)["children"] == []  # nothing until confirmed
    done = client.post("/reports/import-903/apply", data={"csrf_token": csrf_token(text)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/reports/")
    assert len(_snapshot(app)["children"]) == len(year.header)
    page = client.get("/reports/import-903")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)),
            "files": [(io.BytesIO(content), name) for name, content in year.files]}
    again = client.post("/reports/import-903", data=data, content_type="multipart/form-data")
    assert "Nothing to change" in again.get_data(as_text=True)


def test_the_web_page_shows_every_problem_and_imports_nothing(app, make, today):
    from portal.accounts.models import Role
    from tests.helpers import csrf_token, sign_in

    year = make_year(30)
    year.header[2]["ETHNIC"] = "ZZZZ"
    make.account(Role.MANAGER, username="boss")
    client = app.test_client()
    sign_in(client, "boss")
    page = client.get("/reports/import-903")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)),
            "files": [(io.BytesIO(content), name) for name, content in year.files]}
    text = client.post("/reports/import-903", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Nothing can be imported yet" in text and "line 4, ETHNIC" in text
    assert client.post("/reports/import-903/apply", data={
        "csrf_token": csrf_token(text)}).status_code == 302
    assert _snapshot(app)["children"] == []
