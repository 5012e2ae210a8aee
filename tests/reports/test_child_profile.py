"""The child-profile tables, from a year of 903 files imported through the command and
through the managers' page, against counts worked out here from the rows written."""
from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime

import pytest

from portal import clock
from tests.reports.ssda903_year import END, START, TODAY, make_year, parse

GROUPS = {"White": "WBRI WIRI WIRT WOTH WROM", "Mixed": "MWBC MWBA MWAS MOTH",
          "Asian or Asian British": "AIND APKN ABAN AOTH",
          "Black or Black British": "BCRB BAFR BOTH", "Other ethnic groups": "CHNE OOTH",
          "Refused or not obtained": "REFU NOBT"}
LS_NAMES = {"C1": "Interim care order", "C2": "Full care order",
            "E1": "Placement order granted",
            "J1": "Remanded to local authority accommodation or to youth detention "
                  "accommodation",
            "L1": "Under police protection and in local authority accommodation",
            "L2": "Emergency protection order",
            "V2": "Single period of accommodation under section 20",
            "V3": "Accommodated under an agreed series of short-term breaks, when individual "
                  "episodes of care are recorded"}


@pytest.fixture
def today():
    with clock.fixed(datetime.combine(TODAY, datetime.min.time()).replace(hour=12)):
        yield


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def expected(year) -> dict[str, dict[str, int]]:
    """Every table's counts, by row label, from the rows the test wrote."""
    episodes: dict[str, list[dict]] = {}
    for row in year.episodes:
        decom, dec = parse(row["DECOM"]), parse(row["DEC"])
        if decom <= END and (dec is None or dec >= START):
            episodes.setdefault(row["CHILD"], []).append({**row, "decom": decom, "dec": dec})
    for rows in episodes.values():
        rows.sort(key=lambda r: r["decom"])
    header = {h["CHILD"]: h for h in year.header if h["CHILD"] in episodes}
    uasc = {u["CHILD"] for u in year.uasc}
    group = {code: name for name, codes in GROUPS.items() for code in codes.split()}
    ages = Counter()
    for reference, rows in episodes.items():
        last = rows[-1]["dec"]
        day = last if last is not None and last <= END else END
        age = _age(parse(header[reference]["DOB"]), day)
        ages["Under 1" if age < 1 else "1 - 4" if age < 5 else "5 - 9" if age < 10
             else "10 - 15" if age < 16 else "16 - 17"] += 1
    entry = Counter()
    for rows in episodes.values():
        first = next((r for r in rows if r["RNE"] == "S" and START <= r["decom"] <= END), None)
        if first:
            entry[LS_NAMES[first["LS"]]] += 1
    distances = [rows[-1]["PL_DISTANCE"] for rows in episodes.values()]
    total = len(episodes)
    return {
        "profile-gender": {"Boys": sum(h["SEX"] == "1" for h in header.values()),
                           "Girls": sum(h["SEX"] == "2" for h in header.values()),
                           "Total": total},
        "profile-ethnicity": {**Counter(group[h["ETHNIC"]] for h in header.values()),
                              "Total": total},
        "profile-age": {**ages, "Total": total},
        "profile-distance": {
            "Placed 20 miles or more from home": sum(x != "" and float(x) >= 20
                                                     for x in distances),
            "Placed less than 20 miles from home": sum(x != "" and float(x) < 20
                                                       for x in distances),
            "Distance not known": distances.count(""), "Total": total},
        "profile-kinship": {"In a kinship placement (U1, U2 or U3)": sum(
            any(r["PLACE"] in ("U1", "U2", "U3") for r in rows)
            for rows in episodes.values()), "Total": total},
        "profile-sgo": {"Special guardianship orders granted": sum(
            1 for rows in episodes.values() for r in rows
            if r["dec"] and START <= r["dec"] <= END and r["REC"] in ("E43", "E44"))},
        "profile-entrants": {**entry, "Total": sum(entry.values())},
        "profile-uasc": {"Unaccompanied asylum-seeking children": len(uasc & set(episodes)),
                         "Total": total},
    }


def _found(tables) -> dict[str, dict[str, int]]:
    return {t.key: {row[0]: row[1] for row in t.rows if row[1]} for t in tables}


def _nonzero(counts: dict) -> dict:
    return {label: n for label, n in counts.items() if n}


def _check_the_year_itself(year, want) -> None:
    """The made-up year has what the tables are there to show."""
    assert len(want["profile-gender"]) == 3 and want["profile-gender"]["Total"] >= 300
    assert want["profile-sgo"]["Special guardianship orders granted"] >= 1
    assert want["profile-uasc"]["Unaccompanied asylum-seeking children"] >= 5
    assert want["profile-age"]["Under 1"] >= 1
    assert want["profile-distance"]["Distance not known"] >= 1
    assert any(h["ETHNIC"] == "CHNE" for h in year.header)
    assert len(want["profile-gender"]) and len(year.header) > want["profile-gender"]["Total"]
    assert any(parse(e["DEC"]) and START <= parse(e["DEC"]) < END and e["REC"] != "X1"
               for e in year.episodes)


def test_a_year_imported_by_the_command_gives_every_profile_table(app, tmp_path, today):
    from portal.reports import profile

    year = make_year()
    paths = []
    for name, data in year.files:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = app.test_cli_runner().invoke(args=["import-903", *paths])
    assert result.exit_code == 0, result.output
    want = expected(year)
    _check_the_year_itself(year, want)
    with app.app_context():
        found = _found(profile.profile_tables(START, END))
    assert found == {key: _nonzero(counts) for key, counts in want.items()}


def test_the_reports_page_shows_the_profile_for_the_financial_year(app, make, today):
    from portal.accounts.models import Role
    from portal.reports import ssda903
    from portal.reports import suppress as small
    from tests.helpers import sign_in

    year = make_year(120, seed=5)
    with app.app_context():
        from portal import db

        ssda903.apply(ssda903.read(year.files), None)
        db.session().commit()
    want = expected(year)
    make.account(Role.MANAGER, username="boss")
    client = app.test_client()
    sign_in(client, "boss")
    page = client.get("/reports/").get_data(as_text=True)  # the financial year of today
    for title in ("Children looked after by gender", "Children looked after by ethnicity",
                  "Children looked after by age", "Children placed 20 miles or more from home",
                  "Children in a kinship placement", "Special guardianship orders granted",
                  "Children becoming looked after, by legal status",
                  "Unaccompanied asylum-seeking children"):
        assert title in page
    assert 'href="/reports/import-903"' in page
    response = client.get("/reports/profile-ethnicity.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Ethnicity", "Children", "%"]
    for label, n, _share in rows[1:]:
        count = want["profile-ethnicity"].get(label, 0)
        assert n == (small.FEWER_THAN_5 if 0 < count < 5 else str(count)), label
    assert any(n == small.FEWER_THAN_5 for _label, n, _share in rows[1:])


def test_refused_or_not_obtained_is_shown_only_when_present(app, today):
    from portal import db
    from portal.reports import profile, ssda903

    year = make_year(40, seed=9)
    for h in year.header:
        h["ETHNIC"] = "WBRI" if h["ETHNIC"] in ("REFU", "NOBT") else h["ETHNIC"]
    with app.app_context():
        ssda903.apply(ssda903.read(year.files), None)
        db.session().commit()
        labels = [row[0] for t in profile.profile_tables(START, END)
                  if t.key == "profile-ethnicity" for row in t.rows]
    assert labels == ["White", "Mixed", "Asian or Asian British", "Black or Black British",
                      "Other ethnic groups", "Total"]


def test_a_child_without_episodes_counts_from_their_record(app, make, today):
    from portal import db
    from portal.accounts.models import Child
    from portal.reports import profile

    make.child(10, looked_after_since=date(2025, 12, 1), sign_in=False)
    make.child(12, looked_after_since=date(2020, 1, 1), sign_in=False)
    with app.app_context():
        first, second = db.session().query(Child).order_by(Child.id).all()
        first.sex = "1"
        # Ceased the day before the year began: not looked after in it.
        second.ceased_on, second.ceased_reason = date(2025, 3, 31), "E8"
        db.session().commit()
        tables = {t.key: t for t in profile.profile_tables(START, END)}
    assert tables["profile-gender"].rows[-1][:2] == ["Total", 1]
    assert ["Distance not known", 1, "100%"] in tables["profile-distance"].rows
    assert ["Boys", 1, "100%"] in tables["profile-gender"].rows
    assert ["Legal status not known", 1, "100%"] in tables["profile-entrants"].rows
