"""Importing a year of reviews; the report's tables match the file exactly."""
import csv
import io
import random
from collections import Counter
from datetime import date, timedelta

import pytest

from portal.reports import tables
from portal.reviews import importer

YEAR = (date(2025, 4, 1), date(2026, 3, 31))


def _year_file(n: int = 300, seed: int = 7) -> tuple[str, list[dict]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        dob = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 365 * 17))
        review = YEAR[0] + timedelta(days=rng.randrange(0, 365))
        under_four = review < dob.replace(year=dob.year + 4) if not (
            dob.month == 2 and dob.day == 29) else review < date(dob.year + 4, 3, 1)
        code = "PN0" if under_four else rng.choice([f"PN{k}" for k in range(1, 8)])
        rows.append({"child_reference": f"C{i:04d}", "date_of_birth": dob.isoformat(),
                     "date_looked_after": (review - timedelta(days=90)).isoformat(),
                     "review_date": review.isoformat(), "participation_code": code,
                     "review_due_date": (review + timedelta(days=rng.choice([-5, 3]))
                                         ).isoformat()})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), rows


def test_an_imported_year_gives_matching_report_tables(app):
    text, rows = _year_file()
    with app.app_context():
        assert importer.import_reviews(io.StringIO(text)) == len(rows)
        by_code = {r[0]: r[1] for r in tables.participation(*YEAR).rows}
        by_month = {r[0]: (r[1], r[2]) for r in tables.reviews_by_month(*YEAR).rows}
    assert {k: v for k, v in by_code.items() if k.startswith("PN")} == {
        code: Counter(r["participation_code"] for r in rows)[code]
        for code in [f"PN{k}" for k in range(8)]}
    assert by_code["Total"] == len(rows)
    expected = Counter(r["review_date"][:7] for r in rows)
    on_time = Counter(r["review_date"][:7] for r in rows
                      if r["review_date"] <= r["review_due_date"])
    assert {m: v for m, v in by_month.items() if m != "Total"} == {
        m: (expected[m], on_time[m]) for m in expected}


def test_a_file_with_one_bad_line_imports_nothing_and_names_the_line(app):
    text, rows = _year_file(20)
    lines = text.splitlines()
    lines[5] = lines[5].replace(rows[4]["review_date"], "31/02/2025")
    with app.app_context(), pytest.raises(importer.ImportFailed) as failed:
        importer.import_reviews(io.StringIO("\n".join(lines)))
    assert failed.value.errors == ["line 6: a date is missing or not written as yyyy-mm-dd"]
    with app.app_context():
        assert tables.participation(*YEAR).rows[-1][1] == 0


def test_codes_invalid_for_the_age_are_refused_per_line(app):
    text = ("child_reference,date_of_birth,date_looked_after,review_date,participation_code\n"
            "A1,2023-01-10,2024-01-01,2025-06-01,PN1\n"
            "A2,2015-01-10,2024-01-01,2025-06-01,PN0\n"
            "A3,2015-01-10,2024-01-01,2025-06-01,PN9\n")
    with app.app_context(), pytest.raises(importer.ImportFailed) as failed:
        importer.import_reviews(io.StringIO(text))
    assert [e.split(":")[0] for e in failed.value.errors] == ["line 2", "line 3", "line 4"]


def test_a_missing_column_is_refused(app):
    with app.app_context(), pytest.raises(importer.ImportFailed) as failed:
        importer.import_reviews(io.StringIO("child_reference,review_date\nA,2025-01-01\n"))
    assert "line 1" in failed.value.errors[0] and "participation_code" in failed.value.errors[0]


def test_the_cli_imports_and_reports_errors(app, tmp_path):
    good, rows = _year_file(5)
    path = tmp_path / "reviews.csv"
    path.write_text(good)
    result = app.test_cli_runner().invoke(args=["import-reviews", str(path)])
    assert result.exit_code == 0 and "Imported 5 reviews" in result.output
    path.write_text(good.replace(rows[0]["participation_code"], "XX", 1))
    result = app.test_cli_runner().invoke(args=["import-reviews", str(path)])
    assert result.exit_code != 0 and "nothing was imported" in result.output


def test_reports_page_and_csv_for_the_manager(app, demo):
    from tests.helpers import sign_in

    client = app.test_client()
    sign_in(client, "manager.demo")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Reviews by participation code" in page and "<svg" in page
    assert "Letters (minutes) published within 20 working days" in page
    response = client.get("/reports/participation.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == "Code,Reviews,Share"
    isro = app.test_client()
    sign_in(isro, "isro.demo")
    assert isro.get("/reports/").status_code == 403


def test_the_financial_year_is_the_default():
    assert tables.financial_year(date(2026, 11, 26)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert tables.financial_year(date(2026, 2, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_submissions_are_counted_by_the_age_band_they_were_sent_in(app, make):
    from portal.accounts.models import Role

    isro = make.account(Role.ISRO)
    for age in (6, 10, 14, 16, 16):
        make.picture(make.child(age, isro=isro, name=f"Age{age}"))
    today = date.today()
    with app.app_context():
        by_age = {row[0]: row[1] for row in tables.submissions(today, today)[2].rows}
    assert by_age == {"under 4": 0, "4-7": 1, "8-12": 1, "13-15": 1, "16-17": 2, "18+": 0,
                      "Total": 5}
