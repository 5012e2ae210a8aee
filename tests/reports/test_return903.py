"""The SSDA903 Reviews table: DfE rules 167, 440, 441; export and import round trip."""
import csv
import io
import random
from datetime import date, timedelta

import pytest

from portal.reviews import importer, return903

BORN = date(2021, 9, 10)  # 4th birthday: 10 September 2025


@pytest.mark.parametrize(("code", "day", "rule"), [
    (None, date(2025, 10, 1), "167"), ("PN9", date(2025, 10, 1), "167"),
    ("PN0", date(2025, 9, 11), "440"), ("PN1", date(2025, 9, 9), "441"),
    ("PN7", date(2025, 9, 9), "441"),
])
def test_each_rule_catches_its_case(code, day, rule):
    problem = return903.check("C1", BORN, day, code)
    assert problem.rule == rule and f"Rule {rule}" in problem.message


@pytest.mark.parametrize("code", ["PN0", "PN1", "PN4", "PN7"])
def test_a_review_on_the_4th_birthday_is_valid_with_any_code(code):
    assert return903.check("C1", BORN, date(2025, 9, 10), code) is None


def test_a_child_without_a_reference_is_held_back():
    assert return903.check(None, BORN, date(2025, 10, 1), "PN1").rule == "reference"


def _dfe_file(n: int, year: int = 2025, seed: int = 3) -> str:
    rng = random.Random(seed)
    start, _end = return903.collection_year(year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(return903.COLUMNS)
    for i in range(n):
        dob = date(2009, 1, 1) + timedelta(days=rng.randrange(0, 365 * 16))
        day = start + timedelta(days=rng.randrange(0, 365))
        birthday = date(dob.year + 4, dob.month, min(dob.day, 28))
        code = "PN0" if day < birthday else rng.choice([f"PN{k}" for k in range(1, 8)])
        writer.writerow([f"R{i:05d}", dob.strftime("%d/%m/%Y"), day.strftime("%d/%m/%Y"), code])
    return out.getvalue()


def test_a_903_year_imported_and_exported_gives_the_same_rows(app):
    text = _dfe_file(400)
    with app.app_context():
        assert importer.import_reviews(io.StringIO(text)) == 400
        rows, problems = return903.build(2025)
    assert problems == []
    original = [tuple(r) for r in csv.reader(io.StringIO(text))][1:]  # without the header
    assert len(original) == 400 and sorted(rows) == sorted(original)
    assert return903.as_csv(rows).splitlines()[0] == "CHILD,DOB,REVIEW,REVIEW_CODE"


@pytest.mark.parametrize(("broken", "why"), [
    ("R00001,2012-03-04,01/05/2025,PN1", "not written as dd/mm/yyyy"),
    ("R00001,04/03/2012,01/05/2025,PN8", "Choose a participation code"),
])
def test_a_bad_903_line_is_refused_naming_it(app, broken, why):
    text = _dfe_file(5).splitlines()
    text[3] = broken
    with app.app_context(), pytest.raises(importer.ImportFailed) as failed:
        importer.import_reviews(io.StringIO("\n".join(text)))
    assert failed.value.errors[0].startswith("line 4:") and why in failed.value.errors[0]


def test_a_903_file_missing_a_column_is_refused(app):
    with app.app_context(), pytest.raises(importer.ImportFailed) as failed:
        importer.import_reviews(io.StringIO("CHILD,DOB,REVIEW\nR1,01/01/2015,01/05/2025\n"))
    assert failed.value.errors[0].startswith("line 1:")


def test_the_demo_export_passes_the_three_rules_and_the_manager_is_offered_it(app, demo):
    from tests.helpers import sign_in

    today = date.today()
    year = today.year if today.month >= 4 else today.year - 1
    with app.app_context():
        for y in (year - 1, year):
            _rows, problems = return903.build(y)
            assert problems == []
    client = app.test_client()
    sign_in(client, "manager.demo")
    assert "Download Reviews.csv" in client.get("/reports/").get_data(as_text=True) or \
        "SSDA903" in client.get("/reports/").get_data(as_text=True)
    page = client.get(f"/reports/903?year={year}").get_data(as_text=True)
    assert "No review is held back" in page
    response = client.get(f"/reports/903/{year}/Reviews.csv")
    assert response.get_data(as_text=True).startswith("CHILD,DOB,REVIEW,REVIEW_CODE")


def test_the_cli_exports_a_year(app, tmp_path, demo):
    out = tmp_path / "Reviews.csv"
    result = app.test_cli_runner().invoke(args=["export-903-reviews", "--year", "2025",
                                                str(out)])
    assert result.exit_code == 0 and "Collection year 01/04/2025 to 31/03/2026" in result.output
    assert out.read_text().startswith("CHILD,DOB,REVIEW,REVIEW_CODE")
