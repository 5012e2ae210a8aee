"""A year of a council's SSDA903 tables, made up for the tests: 380 children, some with
several episodes or two periods of care, special guardianship orders, UASC, entrants
under 1, children who ceased before the year ended (or before it began), Chinese
ethnicity and missing distances. ``Year.files`` are the CSV files; the rows stay as
plain dicts so a test can count from them without the code under test."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

START, END = date(2025, 4, 1), date(2026, 3, 31)  # the financial year the tests report
TODAY = date(2026, 3, 31)
HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "PL_DISTANCE"]
UASC = ["CHILD", "SEX", "DOB", "DUC"]
REVIEWS = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
ETHNIC = ["WBRI", "WBRI", "WBRI", "WIRI", "WOTH", "WROM", "MWBC", "MWBA", "MOTH", "AIND",
          "APKN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH"]
LS = ["C1", "C1", "C2", "E1", "L1", "L2", "V2", "V2", "J1", "V3"]
PLACES = ["U1", "U2", "U3", "U4", "U5", "U6", "U6", "K2", "R1", "P1", "H5", "Z1"]
ENDINGS = ["E4A", "E4B", "E13", "E43", "E44", "E11", "E12", "E8", "E5", "E17", "E3"]


def d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def parse(text: str) -> date | None:
    if not text:
        return None
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


@dataclass
class Year:
    header: list[dict] = field(default_factory=list)
    episodes: list[dict] = field(default_factory=list)
    uasc: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)

    def csv(self, kind: str) -> bytes:
        columns = {"header": HEADER, "episodes": EPISODES, "uasc": UASC,
                   "reviews": REVIEWS}[kind]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(getattr(self, kind))
        return out.getvalue().encode()

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return [("Header.csv", self.csv("header")), ("Episodes.csv", self.csv("episodes")),
                ("UASC.csv", self.csv("uasc")), ("Reviews.csv", self.csv("reviews"))]


def _day(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randrange(0, max(1, (high - low).days + 1)))


def make_year(n: int = 380, seed: int = 17) -> Year:
    rng = random.Random(seed)
    year = Year()
    for i in range(n):
        reference = f"C{i:04d}"
        if i < 6:  # babies who came into care this year
            born = _day(rng, date(2025, 4, 2), date(2025, 9, 30))
        elif i < 20:  # unaccompanied asylum-seeking young people
            born = _day(rng, date(2008, 6, 1), date(2011, 1, 1))
        else:
            born = _day(rng, date(2008, 1, 1), date(2024, 12, 1))
        sex = rng.choice("12")
        ethnic = "CHNE" if i % 41 == 0 else "REFU" if i == 7 else rng.choice(ETHNIC)
        year.header.append({"CHILD": reference, "SEX": sex, "DOB": d(born), "ETHNIC": ethnic,
                            "UPN": "" if i % 3 else f"A{rng.randrange(10**10, 10**11)}1",
                            "MOTHER": "", "MC_DOB": ""})
        if 6 <= i < 20:
            year.uasc.append({"CHILD": reference, "SEX": sex, "DOB": d(born),
                              "DUC": d(date(born.year + 18, born.month, min(born.day, 28)))})
        first = _day(rng, max(born, date(2021, 1, 1)), date(2026, 2, 1))
        if i < 6:
            first = _day(rng, max(born, START), date(2026, 2, 1))
        periods = 2 if i % 25 == 3 else 1
        decom = first
        for period in range(periods):
            count = rng.choice([1, 1, 2, 3])
            for k in range(count):
                last_of_period = k == count - 1
                dec = rec = ""
                if not last_of_period:
                    ends = _day(rng, decom + timedelta(days=1), decom + timedelta(days=300))
                    dec, rec = d(min(ends, TODAY)), "X1"
                    if min(ends, TODAY) <= decom:
                        dec, rec = "", ""
                        last_of_period = True
                elif period < periods - 1 or rng.random() < 0.3:
                    ends = _day(rng, decom + timedelta(days=1), decom + timedelta(days=500))
                    if ends <= TODAY:
                        dec, rec = d(ends), rng.choice(ENDINGS)
                place = rng.choice(PLACES)
                year.episodes.append({
                    "CHILD": reference, "DECOM": d(decom),
                    "RNE": "S" if k == 0 else rng.choice("PLB"),
                    "LS": rng.choice(LS), "CIN": f"N{rng.randrange(1, 10)}", "PLACE": place,
                    "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec,
                    "REASON_PLACE_CHANGE": "" if k == 0 else "CARPL",
                    "HOME_POST": "BS1 1AA", "PL_POST": "BS2 2BB", "URN": "SC123456",
                    "PL_DISTANCE": "" if i % 13 == 5 else f"{rng.uniform(0, 60):.1f}"})
                if not dec:
                    break
                decom = parse(dec)
            if not year.episodes[-1]["DEC"]:
                break
            decom = parse(year.episodes[-1]["DEC"]) + timedelta(days=rng.randrange(30, 200))
            if decom > TODAY:
                break
        held = parse(year.episodes[-1]["DECOM"]) + timedelta(days=20)
        if i % 5 == 0 and held <= TODAY:
            four = date(born.year + 4, born.month, min(born.day, 28))
            year.reviews.append({"CHILD": reference, "DOB": d(born), "REVIEW": d(held),
                                 "REVIEW_CODE": "PN0" if held < four else "PN1"})
    # One special guardianship order for certain, made this year, to a kinship carer.
    year.header.append({"CHILD": "SGO1", "SEX": "2", "DOB": d(date(2019, 5, 4)),
                        "ETHNIC": "WBRI", "UPN": "", "MOTHER": "", "MC_DOB": ""})
    year.episodes.append({
        "CHILD": "SGO1", "DECOM": d(date(2024, 5, 1)), "RNE": "S", "LS": "C2", "CIN": "N1",
        "PLACE": "U3", "PLACE_PROVIDER": "PR1", "DEC": d(date(2026, 1, 15)), "REC": "E43",
        "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": "",
        "PL_DISTANCE": "3.0"})
    return year
