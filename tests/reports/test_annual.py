"""The annual report: the voice of the children counted per child, quotes only with the
child's agreement, the action plan carried into next year, and the whole document as
HTML, a tagged PDF and a CSV per table, with small numbers hidden unless asked for."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest

from portal import clock, db
from portal.accounts.models import Role
from portal.clock import LONDON
from portal.consultations.models import Submission
from portal.consultations.questionnaires import QUESTIONNAIRES
from portal.reports import annual, plan, voice
from tests.helpers import csrf_token, post_form

YEAR = 2025
QUERY = "?from=2025-04-01&to=2026-03-31"
START, END = date(2025, 4, 1), date(2026, 3, 31)
HEADINGS = ["Introduction", "Caseloads", "Timeliness", "Activity by month",
            "The children looked after", "Participation", "The voice of the children",
            "Challenges", "Action plan"]
POEM = "I like my new school and my football team."


def at(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 11, 0, tzinfo=LONDON)


def _form(child, by, answers: dict, when: datetime, *, send: bool = True):
    """A child's own 8-12 form with these face answers."""
    from portal.consultations import operations as sent

    form_def = QUESTIONNAIRES["8-12"]
    with clock.fixed(when):
        form = sent.start_form(child, by, "8-12")
        for qid, value in answers.items():
            sent.save_answer(form, form_def.question(qid), value, "answered")
        if send:
            sent.send(form)
        db.session().commit()
    return form


def _adult_form(child, by, questionnaire: str, answers: dict, when: datetime):
    from portal.consultations import operations as sent

    with clock.fixed(when):
        item = sent.start_adult_form(child, by, questionnaire)
        sent.save_adult_answers(item, answers)
        sent.send(item)
        db.session().commit()
    return item


@pytest.fixture
def year(app, make):
    """A year of what children sent, in every way, with some things that must not count:
    an under-4's observations (a carer's words), a form sent the year before, a draft,
    and a carer's own message. Returns the ids and, worked out here, what each child
    sent: {name: set of ways} and their face answers in order."""
    from portal.consultations import operations as sent

    isro = make.account(Role.ISRO)
    carer = make.account(Role.CARER)
    advocate = make.account(Role.ADVOCATE)
    names = ("amy", "ben", "cal", "dee", "eve", "gus", "hal")
    kids = {name: make.child(10, isro=isro, username=f"annual.{name}", name=name.title())
            for name in names}
    ruby = make.child(2, isro=isro, sign_in=False, name="Ruby")
    make.link(carer, kids["eve"])
    make.link(carer, ruby)
    make.link(carer, kids["hal"])
    # What each child sent in the year, by answers given, in the order sent.
    faces = []
    with app.app_context():
        child = {name: db.session().merge(kid) for name, kid in kids.items()}
        ruby = db.session().merge(ruby)
        carer_row, advocate_row = db.session().merge(carer), db.session().merge(advocate)
        amy = child["amy"]
        _form(amy, amy.account, {"home_feel": "great", "school_feel": "ok"}, at(5, 2))
        faces.append(("amy", {"home": "great", "school": "ok"}))
        _form(amy, amy.account, {"home_feel": "not_good", "friends_feel": "no_say"}, at(9, 14))
        faces.append(("amy", {"home": "not_good", "friends": "no_say"}))
        with clock.fixed(at(6, 1)):
            poem = sent.add_poem(amy, amy.account, "Me", POEM, "isro", "en")
            db.session().commit()
        # Cal's voice note (a row as the upload pipeline leaves it).
        with clock.fixed(at(7, 3)):
            db.session().add(Submission(child_id=child["cal"].id, kind="voice", status="sent",
                                        sent_at=clock.now(), entered_by_id=child["cal"].account_id))
            db.session().commit()
        _adult_form(child["dee"], advocate_row, "advocacy",
                    {"views": "I want to see my brother more"}, at(10, 20))
        _adult_form(child["eve"], carer_row, "8-12",
                    {"home_feel": "great", "school_feel": "great", "health_feel": "ok"},
                    at(1, 9, 2026))
        faces.append(("eve", {"home": "great", "school": "great", "health": "ok"}))
        _adult_form(ruby, carer_row, "observation", {"routine": "Sleeps well"}, at(8, 8))
        # Gus sent a form only the year before, and has a draft in this one.
        _form(child["gus"], child["gus"].account, {"home_feel": "not_good"}, at(3, 10))
        _form(child["gus"], child["gus"].account, {"home_feel": "ok"}, at(6, 6), send=False)
        ids = {name: kid.id for name, kid in child.items()}
        poem_id = poem.id
    with clock.fixed(at(8, 1)):
        make.picture(kids["ben"])
    with clock.fixed(at(11, 5)):
        make.message(kids["ben"], "Can we meet at school?")
        make.message(kids["hal"], "Hello")
        make.message(kids["hal"], "Hal is settling in", author=carer)  # the carer's words
    ways = {"amy": {"form", "poem"}, "ben": {"picture", "message"}, "cal": {"voice"},
            "dee": {"advocate"}, "eve": {"form", "carer"}, "hal": {"message"}}
    return {"ids": ids, "poem": poem_id, "ways": ways, "faces": faces}


def _expected_faces(faces) -> dict[str, dict[str, int]]:
    latest: dict[tuple[str, str], str] = {}
    for name, answers in faces:  # in the order sent: a later answer replaces an earlier
        for topic, face in answers.items():
            latest[(name, topic)] = face
    counts = {topic: dict.fromkeys(voice.FACE_LABELS, 0) for topic, _label in voice.TOPICS}
    for (_name, topic), face in latest.items():
        counts[topic][face] += 1
    return counts


def test_the_voice_of_the_children_counts_each_child_once_in_each_way(app, year):
    with app.app_context():
        found = voice.ways_by_child(START, END)
        faces = voice.faces_by_topic(START, END)
        tables = {t.key: t for t in voice.voice_tables(START, END)}
    names = {v: k for k, v in year["ids"].items()}
    # Expected: the six children who sent views, each with the ways worked out above;
    # not Ruby's observations, Gus's old form or draft, nor the carer's message.
    assert {names[child_id]: ways for child_id, ways in found.items()} == year["ways"]
    assert faces == _expected_faces(year["faces"])
    how = {row[0]: row[1] for row in tables["voice-how"].rows}
    expected = {label: sum(key in ways for ways in year["ways"].values())
                for key, label in voice.WAYS}
    assert how == expected | {"Children who sent their views": 6}
    assert how["A form"] == 2 and how["A message to their ISRO"] == 2
    home = {row[0]: row[1:] for row in tables["voice-faces-home"].rows}
    # Amy's latest home answer is "Not good"; Eve's is "Great": one each, half each.
    assert home["Not good"] == [1, "50%"] and home["Great"] == [1, "50%"]
    assert home["Children who answered"] == [2, "100%"]


def test_small_numbers_are_hidden_by_default_and_shown_on_an_internal_copy(year, signed_in):
    manager = signed_in(Role.MANAGER)
    page = manager.get(f"/reports/annual{QUERY}").get_data(as_text=True)
    assert re.search(r'<th scope="row" dir="auto">A form</th><td dir="auto">fewer than 5</td>',
                     page)
    assert "Internal copy" not in page
    shown = manager.get(f"/reports/annual{QUERY}&small=shown").get_data(as_text=True)
    assert re.search(r'<th scope="row" dir="auto">A form</th><td dir="auto">2</td>', shown)
    assert "Internal copy: small numbers are shown" in shown
    assert "small=shown" in re.search(r'href="([^"]*annual/report.pdf[^"]*)"', shown).group(1)
    # A CSV leaves the team: hidden even when the page shows them.
    lines = manager.get(f"/reports/annual/voice-how.csv{QUERY}&small=shown").get_data(
        as_text=True).splitlines()
    assert "A form,fewer than 5,hidden" in lines


def test_every_table_of_the_report_downloads_as_csv(app, year, signed_in):
    manager = signed_in(Role.MANAGER)
    with app.app_context():
        found = annual.all_tables(START, END)
    keys = [t.key for t in found]
    assert len(keys) == len(set(keys))
    assert {"voice-how", "voice-faces-friends", "reviews-by-month", "participation",
            "profile-gender", "service-caseloads", "service-late-reviews",
            "service-challenges-theme", "voice-feedback", "voice-advocacy",
            "action-plan"} <= set(keys)
    for table in found:
        response = manager.get(f"/reports/annual/{table.key}.csv{QUERY}")
        assert response.status_code == 200 and response.mimetype == "text/csv", table.key
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == table.columns and len(rows) == len(table.rows) + 1, table.key
    assert manager.get(f"/reports/annual/no-such-table.csv{QUERY}").status_code == 404


def test_a_quote_is_shown_only_when_the_child_agreed(year, signed_in):
    manager = signed_in(Role.MANAGER)
    quotes = f"/reports/annual/quotes{QUERY}"
    poem = year["poem"]
    for words, agreed in (("my football team", "y"), ("I like my new school", "")):
        response = post_form(manager, quotes, {"submission": str(poem), "words": words,
                                               "agreed": agreed})
        assert response.status_code == 302
    made_up = post_form(manager, quotes, {"submission": str(poem),
                                          "words": "I hate everyone", "agreed": "y"})
    assert made_up.status_code == 200
    assert "These words are not in what the child sent" in made_up.get_data(as_text=True)
    page = manager.get(f"/reports/annual{QUERY}").get_data(as_text=True)
    # Expected: the agreed words, and only those; no other free text from the children.
    assert '<blockquote class="quote" dir="auto">my football team</blockquote>' in page
    assert "I like my new school" not in page and POEM not in page
    assert "I want to see my brother more" not in page and "Can we meet" not in page


def _row(year: int, **fields) -> dict:
    return {"need": "Every child is asked before their review", "who": "Team manager",
            "by_when": f"{year + 1}-01-31", "will_see": "More children send views",
            "rag": "amber"} | fields


def test_the_action_plan_is_carried_into_next_year_keeping_the_old_rating(app, signed_in):
    manager = signed_in(Role.MANAGER)
    page = f"/reports/annual/{YEAR}/plan"
    assert post_form(manager, page, _row(YEAR)).status_code == 302
    assert post_form(manager, page, _row(YEAR, need="Minutes on time", rag="green",
                                         done="y")).status_code == 302
    empty = post_form(manager, page, {"need": "", "who": ""})
    assert empty.status_code == 200 and "Enter what needs to happen" in empty.get_data(
        as_text=True)
    for _twice in range(2):  # carrying again copies nothing more
        assert post_form(manager, f"{page}/carry", {}, page=page).status_code == 302
    with app.app_context():
        carried = plan.rows(YEAR + 1)
        assert [(r.need, r.rag, r.previous_rag) for r in carried] == [
            ("Every child is asked before their review", "amber", "amber")]
        row_id = carried[0].id
    nxt = f"/reports/annual/{YEAR + 1}/plan"
    edit = manager.get(f"{nxt}?row={row_id}").get_data(as_text=True)
    assert "Every child is asked before their review</textarea>" in edit
    assert manager.post(nxt, data={"csrf_token": csrf_token(edit), "row": str(row_id),
                                   **_row(YEAR + 1, rag="green")}).status_code == 302
    shown = manager.get(f"/reports/annual/action-plan.csv?from={YEAR + 1}-04-01&to="
                        f"{YEAR + 2}-03-31").get_data(as_text=True).splitlines()
    assert shown[1].endswith(",Green,Amber,Open")
    # This year's plan is unchanged, and a row can be removed.
    with app.app_context():
        assert sorted(r.rag for r in plan.rows(YEAR)) == ["amber", "green"]
        done = next(r.id for r in plan.rows(YEAR) if r.done)
    assert post_form(manager, f"{page}/remove", {"row": str(done)}, page=page).status_code == 302
    with app.app_context():
        assert [r.need for r in plan.rows(YEAR)] == ["Every child is asked before their review"]


def test_the_narrative_is_kept_per_year_and_shown_in_its_section(app, signed_in):
    manager = signed_in(Role.MANAGER)
    page = f"/reports/annual/{YEAR}/narrative"
    too_long = post_form(manager, page, {"introduction": "Our year.", "voice": "x" * 20_001})
    assert too_long.status_code == 200
    assert "Write up to 20,000 characters" in too_long.get_data(as_text=True)
    assert "Our year.</textarea>" in too_long.get_data(as_text=True)  # kept what was typed
    assert post_form(manager, page, {"introduction": "Our year.\n\nA second part.",
                                     "voice": "Children told us."}).status_code == 302
    report = manager.get(f"/reports/annual{QUERY}").get_data(as_text=True)
    assert '<p class="narrative" dir="auto">A second part.</p>' in report
    assert report.index("Our year.") < report.index("Children told us.")
    later = manager.get(f"/reports/annual?from={YEAR + 1}-04-01&to={YEAR + 2}-03-31")
    assert "Our year." not in later.get_data(as_text=True)


def test_the_default_period_is_the_last_whole_financial_year(app, signed_in):
    manager = signed_in(Role.MANAGER)
    with clock.fixed(datetime(2026, 6, 1, 9, 0, tzinfo=LONDON)):
        page = manager.get("/reports/annual").get_data(as_text=True)
    assert 'id="from" name="from" value="2025-04-01"' in page
    assert 'id="to" name="to" value="2026-03-31"' in page


def test_the_pdf_is_tagged_and_has_the_sections_in_order(year, signed_in):
    from pypdf import PdfReader

    manager = signed_in(Role.MANAGER)
    post_form(manager, f"/reports/annual/{YEAR}/narrative", {"introduction": "Our year."})
    response = manager.get(f"/reports/annual/report.pdf{QUERY}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    text = "\n".join(page.extract_text() for page in reader.pages)
    place = text.index("Annual report")
    for heading in HEADINGS:
        place = text.index(heading, place + 1)  # each after the one before
    assert "Our year." in text and "fewer than 5" in text
    assert "Internal copy" not in text


def _row_cells(page: str, label: str) -> list[str]:
    """The cells of the row headed ``label`` in a report table on the page."""
    row = re.search(rf'<th scope="row" dir="auto">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert row, label
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


def test_how_was_my_review_and_requests_for_an_advocate_are_counted_in_the_report(
        app, make, signed_in):
    """Children answer "How was my review?" and ask for an advocate on their own pages;
    the annual report's voice section counts each child's answers and the requests."""
    from datetime import timedelta

    from portal.voice import operations as voice_ops
    from portal.voice import queries as voice_queries
    from tests.helpers import sign_in

    isro = make.account(Role.ISRO)
    answers = {"ann": ("great", "great"), "bob": ("great", "not_good"), "cy": ("ok", None)}
    kids = {name: make.child(14, isro=isro, username=f"fb.{name}", name=name.title())
            for name in (*answers, "dot")}
    clients = {}
    for name in kids:
        clients[name] = app.test_client()
        assert sign_in(clients[name], f"fb.{name}").status_code == 302
    for name, (listened, understood) in answers.items():
        review_id, _ = make.held_review(kids[name], days_ago=10)
        fields = {"review": str(review_id), "listened": listened, "action": "send"}
        if understood:
            fields["understood"] = understood
        assert post_form(clients[name], "/how-was-my-review", fields).status_code == 302
    for name in ("ann", "dot"):
        assert post_form(clients[name], "/advocate", {"help_with": "My contact"}
                         ).status_code == 302
    with app.app_context():
        request = voice_queries.open_request(kids["dot"].id)
        voice_ops.record_outcome(request, db.session().merge(isro), outcome="linked",
                                 on=date.today(), note=None)
    today = date.today()
    query = f"?from={today - timedelta(days=60)}&to={today}&small=shown"
    page = signed_in(Role.MANAGER).get(f"/reports/annual{query}").get_data(as_text=True)
    # Great, OK, Not good, Did not want to say, children who answered.
    assert _row_cells(page, "Was I listened to?") == ["2", "1", "0", "0", "3"]
    assert _row_cells(page, "Did I understand what was decided?") == ["1", "0", "1", "0", "2"]
    assert _row_cells(page, "Were the right people there?") == ["0", "0", "0", "0", "0"]
    assert _row_cells(page, "Requests for an advocate") == ["2"]
    assert _row_cells(page, "Children who asked for an advocate") == ["2"]
    assert _row_cells(page, "An advocate is working with the child") == ["1"]
    assert _row_cells(page, "Not decided yet") == ["1"]
