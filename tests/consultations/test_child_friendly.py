"""Made for children (issue 16, item 1): face tiles that light up, the same faces and the
Three Houses on the check page, plain words by age, a thank-you page that says who will
read it and when, and "Leave this site quickly" that ends the session on the server."""
import re
from datetime import UTC, datetime

import pytest

from portal import clock
from portal.accounts.models import Role
from portal.messages import reading
from tests.helpers import csrf_token, post_form, sign_in

# A Saturday: nobody is at work, so the thank-you page names the next working morning.
SATURDAY = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


@pytest.fixture
def child_aged(app, make):
    """child_aged(7) -> a client signed in as a 7-year-old whose ISRO is Priya Shah, with
    their form started."""

    def _make(age: int):
        isro = make.account(Role.ISRO, name="Priya Shah")
        make.child(age, isro=isro, username=f"kid{age}", name="Mia")
        client = app.test_client()
        assert sign_in(client, f"kid{age}").status_code == 302
        assert post_form(client, "/my-say/form/start", {}, page="/my-say").status_code == 302
        return client

    return _make


def _main(page: str) -> str:
    """The page's own content: not the masthead, footer or idle warning."""
    return page.split('<main', 1)[1].split('</main>', 1)[0]


def _answer(client, question_id: str, data: dict):
    return post_form(client, f"/my-say/form/{question_id}", {"action": "next", **data})


def test_each_face_is_a_tile_labelling_its_radio_and_the_chosen_one_says_chosen(child_aged):
    client = child_aged(7)
    _answer(client, "home_feel", {"answer": "ok"})
    page = client.get("/my-say/form/home_feel").get_data(as_text=True)
    tiles = re.findall(r'<div class="tile">\s*(<input[^>]*>)\s*<label for="([^"]+)">(.*?)</label>',
                       page, re.S)
    # Expected: four tiles, each a native radio and its label holding a 64 px face.
    assert len(tiles) == 4
    for radio, label_for, label in tiles:
        assert 'type="radio"' in radio and f'id="{label_for}"' in radio
        assert re.search(r'<img src="/static/pictures/face-[a-z-]+\.svg" alt="" '
                         r'class="tile-picture" width="64" height="64">', label)
    chosen = [(radio, label) for radio, _, label in tiles
              if '<span class="tile-chosen">Chosen</span>' in label]
    # Expected: only the face chosen before says "Chosen" (the others' word is hidden).
    assert len(chosen) == 1
    assert 'value="ok"' in chosen[0][0] and "checked" in chosen[0][0]
    assert page.count('<span class="tile-chosen" hidden>Chosen</span>') == 3


def test_the_check_page_shows_the_faces_that_were_chosen(child_aged):
    client = child_aged(7)
    _answer(client, "home_feel", {"answer": "great"})
    _answer(client, "school_feel", {"answer": "not_good"})
    check = _main(client.get("/my-say/form/check").get_data(as_text=True))
    assert re.search(r'<img src="/static/pictures/face-great.svg"[^>]*> Great', check)
    assert re.search(r'<img src="/static/pictures/face-not-good.svg"[^>]*> Not good', check)
    # Expected: each section has its heading with its picture.
    assert '<img src="/static/pictures/home.svg"' in check
    assert '<img src="/static/pictures/houses.svg"' in check


def test_the_three_houses_are_drawn_with_the_childs_words_inside_escaped(child_aged):
    client = child_aged(7)
    _answer(client, "worries", {"answer": "<b>Tom & me</b> fighting at bedtime"})
    _answer(client, "good_things", {"answer": "My dog"})
    post_form(client, "/my-say/form/dreams", {"action": "skip"})
    check = _main(client.get("/my-say/form/check").get_data(as_text=True))
    houses = dict(re.findall(r'<figure class="house house-(\w+)">(.*?)</figure>', check, re.S))
    assert set(houses) == {"worries", "good_things", "dreams"}
    worries = houses["worries"].split("<svg", 1)[1].split("</svg>", 1)[0]
    # Expected: the child's words are text inside the drawing, escaped, never markup.
    assert "&lt;b&gt;Tom &amp; me&lt;/b&gt;" in worries and "<b>" not in check
    assert "House of worries" in houses["worries"]
    assert "My dog" in houses["good_things"].split("</svg>")[0]
    assert "Skipped" in houses["dreams"].split("</svg>")[0]
    assert "/my-say/form/worries?change=1" in houses["worries"]


def test_a_seven_year_old_reads_next_and_the_name_of_their_reviewing_officer(child_aged):
    client = child_aged(7)
    start = _main(client.get("/my-say").get_data(as_text=True))
    assert "Tell your reviewing officer, Priya, what you think" in start and "ISRO" not in start
    question = _main(client.get("/my-say/form/worries").get_data(as_text=True))
    assert ">Next</button>" in question and ">I don't want to answer this</button>" in question
    assert "Save and go on" not in question and "Skip this question" not in question
    # Expected: no "up to 2000 characters" until near the limit (the note starts hidden).
    assert re.search(r'<p class="hint char-count"[^>]*hidden>', question)
    _answer(client, "worries", {"answer": "Nothing"})
    check = _main(client.get("/my-say/form/check").get_data(as_text=True))
    assert "Your reviewing officer, Priya, will read your form" in check
    assert ">Send to Priya</button>" in check and "ISRO" not in check
    sent_at = post_form(client, "/my-say/form/send", {}, page="/my-say/form/check")
    sent = _main(client.get(sent_at.headers["Location"]).get_data(as_text=True))
    assert "Sent to your reviewing officer, Priya" in sent and "ISRO" not in sent


def test_a_nine_year_old_is_told_their_reviewing_officer_will_help_them_chair(child_aged):
    client = child_aged(9)
    page = _main(client.get("/my-say/form/chair").get_data(as_text=True))
    assert "Your reviewing officer, Priya, will help you." in page and "ISRO" not in page


def test_a_fifteen_year_old_reads_next_and_about_their_isro(child_aged):
    client = child_aged(15)
    question = _main(client.get("/my-say/form/home_more").get_data(as_text=True))
    assert ">Next</button>" in question and ">I don't want to answer this</button>" in question
    assert re.search(r'<p class="hint char-count"[^>]*hidden>', question)
    _answer(client, "home_more", {"answer": "Fine"})
    check = _main(client.get("/my-say/form/check").get_data(as_text=True))
    assert "Your ISRO will read your form" in check and ">Send to my ISRO</button>" in check
    assert "reviewing officer, Priya" not in check
    chair = _main(client.get("/my-say/form/chair").get_data(as_text=True))
    assert "Your ISRO will help you." in chair


def test_the_thank_you_page_says_who_will_see_it_and_when(app, child_aged):
    with clock.fixed(SATURDAY):
        client = child_aged(7)
        _answer(client, "home_feel", {"answer": "great"})
        sent_at = post_form(client, "/my-say/form/send", {}, page="/my-say/form/check")
        sent = _main(client.get(sent_at.headers["Location"]).get_data(as_text=True))
        with app.test_request_context():
            when = reading.when_read()
    assert when.startswith("Nobody will read this until Monday")
    assert "Thank you for telling us what you think." in sent
    assert "Your reviewing officer, Priya, will read it before your review" in sent
    assert when in sent


def test_leave_this_site_quickly_ends_the_session_on_the_server(app, child_aged):
    client = child_aged(12)
    page = client.get("/my-say").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/leave" class="quick-exit-form" '
                     r'data-quick-exit data-to="https://www.bbc.co.uk/weather">', page)
    old_cookie = client.get_cookie("mysay_session").value
    response = client.post("/leave", data={"csrf_token": csrf_token(page)})
    # Expected: at once to a neutral site, and the browser told to forget this one.
    assert response.status_code == 200
    assert ('<meta http-equiv="refresh" content="0;url=https://www.bbc.co.uk/weather">'
            in response.get_data(as_text=True))
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    assert client.get("/my-say").status_code == 302
    # Expected: a copy of the old cookie no longer works either: the session ended.
    copy = app.test_client()
    copy.set_cookie("mysay_session", old_cookie)
    answer = copy.get("/my-say")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_leave_quickly_without_a_token_still_leaves_and_signs_the_browser_out(app, child_aged):
    client = child_aged(12)
    response = client.post("/leave")
    assert response.status_code == 200 and "bbc.co.uk/weather" in response.get_data(as_text=True)
    assert client.get("/my-say").status_code == 302


def test_leave_quickly_works_for_someone_not_signed_in(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'action="/leave"' in page
    response = client.post("/leave", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200 and "bbc.co.uk/weather" in response.get_data(as_text=True)
