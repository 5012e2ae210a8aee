"""Views that reach the ISRO through an adult: carers, advocates, and the ISRO's visits."""
import re

from sqlalchemy import select

from portal import db
from portal.consultations.models import Submission
from tests.helpers import png_bytes, post_form, sign_in


def _as(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def test_carer_observes_the_toddler_helps_mia_and_the_advocate_gives_sams_views(app, demo):
    carer, advocate, isro = (_as(app, u) for u in ("carer.demo", "advocate.demo", "isro.demo"))
    home = carer.get("/").get_data(as_text=True)
    observe = re.search(r'href="(/children/\d+/observations)"', home).group(1)
    response = post_form(carer, observe, {"q_routine": "Up at 7, nap at 1",
                                          "q_enjoys": "Bubbles and the park",
                                          "action": "send"})
    assert response.status_code == 302
    photo = re.search(r'href="(/children/\d+/observations/photo)"', home).group(1)
    assert post_form(carer, photo, {"file": (__import__("io").BytesIO(png_bytes()), "p.png"),
                                    "title": "Painting"},
                     content_type="multipart/form-data").status_code == 302
    helped = re.search(r'href="(/children/\d+/help-with-form)"', home).group(1)
    post_form(carer, helped, {"q_home_feel": "great", "q_worries": "Spiders",
                              "action": "send"})
    advocate_home = advocate.get("/").get_data(as_text=True)
    views = re.search(r'href="(/children/\d+/advocacy)"', advocate_home).group(1)
    post_form(advocate, views, {"q_views": "I want to see my brother more",
                                "gathered_how": ["in_person", "interpreter"],
                                "gathered_on": "2026-05-03", "consent": "all", "action": "send"})
    with app.app_context():
        kinds = {(s.kind, s.questionnaire, s.entered_by.username) for s in
                 db.session().scalars(select(Submission).where(Submission.status == "sent"))}
    assert ("advocacy", "advocacy", "advocate.demo") in kinds  # stored as the advocate's
    assert ("form", "observation", "carer.demo") in kinds
    assert ("form", "4-7", "carer.demo") in kinds
    caseload = isro.get("/caseload").get_data(as_text=True)
    pages = {name: isro.get(url).get_data(as_text=True) for url, name in
             re.findall(r'href="(/children/\d+)"><bdi>(\w+)</bdi>', caseload)}
    assert "Observations by Jo Williams (carer)" in pages["Ruby"]
    assert "photo added by Jo Williams (carer)" in pages["Ruby"]
    assert "entered with help from Jo Williams (carer)" in pages["Mia"]
    assert "Views given to an advocate" in pages["Sam"]
    assert ("Sam's views, given to their advocate Sam Adeyemi on 3 May 2026" in pages["Sam"]
            and "(in person, with an interpreter)" in pages["Sam"]
            and "shared with Sam's agreement" in pages["Sam"])


def test_an_observation_form_is_not_offered_for_a_child_of_4_or_over(app, demo):
    carer = _as(app, "carer.demo")
    home = carer.get("/").get_data(as_text=True)
    help_url = re.search(r'href="/children/(\d+)/help-with-form"', home).group(1)
    assert carer.get(f"/children/{help_url}/observations").status_code == 404
    toddler = re.search(r'href="/children/(\d+)/observations"', home).group(1)
    assert carer.get(f"/children/{toddler}/help-with-form").status_code == 404


def test_a_carer_cannot_see_a_child_they_do_not_care_for_nor_unshared_things(app, demo):
    carer = _as(app, "carer.demo")
    with app.app_context():
        sam_things = db.session().scalars(
            select(Submission).join(Submission.child).where(
                Submission.status == "sent")).all()
        by_name = {(s.child.preferred_name, s.kind, s.visibility): s.id for s in sam_things}
    shared = by_name[("Sam", "picture", "isro_and_carer")]
    private = by_name[("Sam", "poem", "isro")]
    assert carer.get(f"/things/{shared}").status_code == 404  # Sam is not Jo's child
    assert carer.get(f"/things/{private}").status_code == 404
    mia_form = next(i for (name, kind, _v), i in by_name.items() if name == "Mia")
    assert carer.get(f"/things/{mia_form}").status_code == 404  # Mia did not share her form


def test_an_advocate_whose_link_ended_is_refused(app, demo):
    from portal.accounts.models import Link

    advocate = _as(app, "advocate.demo")
    home = advocate.get("/").get_data(as_text=True)
    url = re.search(r'href="(/children/\d+/advocacy)"', home).group(1)
    assert advocate.get(url).status_code == 200
    from datetime import date

    with app.app_context():
        link = db.session().scalars(select(Link).where(Link.kind == "advocate")).one()
        link.ends_on = date.today()
        db.session().commit()
    assert advocate.get(url).status_code == 404
    assert "No children are linked" in advocate.get("/").get_data(as_text=True)


def test_an_isro_records_visit_notes_for_an_under_4(app, demo):
    isro = _as(app, "isro.demo")
    caseload = isro.get("/caseload").get_data(as_text=True)
    ruby = dict((n, u) for u, n in re.findall(r'href="/children/(\d+)"><bdi>(\w+)</bdi>',
                                              caseload))["Ruby"]
    response = post_form(isro, f"/children/{ruby}/observations",
                         {"q_seen": "Ruby played happily with blocks", "action": "send"})
    assert response.status_code == 302
    assert "Visit notes by Priya Shah (ISRO)" in isro.get(f"/children/{ruby}").get_data(
        as_text=True)


def test_saving_a_draft_keeps_it_for_later(app, demo):
    advocate = _as(app, "advocate.demo")
    url = re.search(r'href="(/children/\d+/advocacy)"',
                    advocate.get("/").get_data(as_text=True)).group(1)
    post_form(advocate, url, {"q_views": "Half written", "action": "save"})
    assert "Half written" in advocate.get(url).get_data(as_text=True)


def test_the_isro_reads_the_advocates_record_in_full(app, demo):
    advocate, isro = _as(app, "advocate.demo"), _as(app, "isro.demo")
    url = re.search(r'href="(/children/\d+/advocacy)"', advocate.get("/").get_data(as_text=True)
                    ).group(1)
    post_form(advocate, url, {"q_views": "I want to see my brother more", "consent": "some",
                              "consent_note": "Not the part about school", "action": "send"})
    child_page = isro.get(url.replace("/advocacy", "")).get_data(as_text=True)
    thing = re.search(r'href="(/things/\d+)">Views given to an advocate', child_page).group(1)
    page = isro.get(thing).get_data(as_text=True)
    assert "I want to see my brother more" in page
    assert "only some parts may be shared: Not the part about school" in page
