"""Believable demo data: the people a newcomer meets when they try My Say.

Ages are computed from today so the demo stays true (child.demo is always 14).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from portal import clock, db
from portal.accounts import codes, operations
from portal.accounts.models import Account, LinkKind, Role
from portal.reviews.operations import add_review

NOT_IN_PRODUCTION = "Demo data is never loaded when PORTAL_ENV=production."


@dataclass
class DemoSignIns:
    password: str
    totp_secret: str
    usernames: list[tuple[str, str]]  # (username, who they are)


def _born(years: int, months: int = 3) -> date:
    today = clock.today()
    return date(today.year - years, today.month, 1) - timedelta(days=months * 30)


def _account(role: Role, username: str, name: str, password: str, **kw) -> Account:
    account = operations.create_account(role, username, name, **kw)
    operations.set_password(account, password)
    return account


def load(password: str | None = None, totp_secret: str | None = None) -> DemoSignIns:
    password = password or secrets.token_urlsafe(12)
    totp_secret = totp_secret or codes.new_totp_secret()
    if operations.find_account("isro.demo") is not None:
        raise operations.NotAllowed("demo data is already loaded")
    today = clock.today()

    isro = _account(Role.ISRO, "isro.demo", "Priya Shah", password,
                    email="isro.demo@example.org", phone="01234 567 890")
    other_isro = _account(Role.ISRO, "isro2.demo", "Tom Evans", password,
                          email="isro2.demo@example.org", phone="01234 567 891")
    manager = _account(Role.MANAGER, "manager.demo", "Grace Okafor", password,
                       email="manager.demo@example.org", phone="01234 567 800")
    for staff in (isro, other_isro, manager):
        staff.totp_secret, staff.totp_confirmed = totp_secret, True
    carer = _account(Role.CARER, "carer.demo", "Jo Williams", password, phone="07700 900123")
    advocate = _account(Role.ADVOCATE, "advocate.demo", "Sam Adeyemi", password,
                        email="advocate.demo@example.org")

    sam = operations.create_child("Sam", _born(14), today - timedelta(days=700), isro=isro,
                                  reference="DEMO-0001")
    mia = operations.create_child("Mia", _born(7), today - timedelta(days=400), isro=isro,
                                  reference="DEMO-0002")
    amir = operations.create_child("Amir", _born(16), today - timedelta(days=120), isro=isro,
                                   language="ar", needs=["interpreter"],
                                   interpreter_language="ar", asylum_seeking=True,
                                   reference="DEMO-0003")
    ruby = operations.create_child("Ruby", _born(2), today - timedelta(days=300), isro=isro,
                                   reference="DEMO-0004")
    leo = operations.create_child("Leo", _born(11), today - timedelta(days=900), isro=other_isro,
                                  reference="DEMO-0005")

    for child, username in ((sam, "child.demo"), (mia, "young.demo"), (amir, "teen.ar.demo"),
                            (leo, "other.demo")):
        account = operations.create_child_sign_in(child, username=username)
        operations.set_password(account, password)
    operations.link(carer, ruby, LinkKind.CARER, today - timedelta(days=300))
    operations.link(carer, mia, LinkKind.CARER, today - timedelta(days=400))
    operations.link(advocate, sam, LinkKind.ADVOCATE, today - timedelta(days=200))

    def at(day: date) -> datetime:
        return datetime.combine(day, time(10, 0), tzinfo=UTC)

    # Each child's reviews so far (days ago, code), then the next one, due as reg. 33 says
    # from the last one held. Amir's second review is overdue: a real thing the ISRO sees.
    _reviews(sam, today, [(675, "PN1"), (590, "PN1"), (410, "PN6"), (230, "PN1"), (162, "PN1")],
             scheduled=at(today + timedelta(days=18)), place="Sam's school, meeting room 2")
    _reviews(mia, today, [(375, "PN6"), (290, "PN6"), (110, "PN6")])
    _reviews(amir, today, [(95, "PN2")])
    _reviews(ruby, today, [(275, "PN0"), (190, "PN0"), (100, "PN0")])
    _reviews(leo, today, [(875, "PN1"), (790, "PN1"), (610, "PN5"), (430, "PN1"), (250, "PN1"),
                          (70, "PN1")])

    db.session().commit()
    _things_sent(sam, mia, amir)
    _letters(isro, sam, amir)
    return DemoSignIns(password, totp_secret, [
        ("isro.demo", "ISRO (reviewing officer) for Sam, Mia, Amir and Ruby"),
        ("isro2.demo", "another ISRO, for Leo"),
        ("manager.demo", "ISRO team manager"),
        ("child.demo", "Sam, 14"),
        ("young.demo", "Mia, 7"),
        ("teen.ar.demo", "Amir, 16, asylum-seeking, reads Arabic"),
        ("other.demo", "Leo, 11, another ISRO's child"),
        ("carer.demo", "foster carer for Mia and Ruby (2, no sign-in)"),
        ("advocate.demo", "advocate for Sam"),
    ])


def _reviews(child, today: date, held: list[tuple[int, str]], *,
             scheduled: datetime | None = None, place: str | None = None) -> None:
    """Held reviews with the due dates reg. 33 gave them, then the next one."""
    from portal.reviews import timescales

    dates: list[date] = []
    for days_ago, code in held:
        day = today - timedelta(days=days_ago)
        add_review(child, timescales.review_due(child.looked_after_since, dates), held_on=day,
                   participation_code=code, kind=timescales.review_kind(len(dates)))
        dates.append(day)
    add_review(child, timescales.review_due(child.looked_after_since, dates),
               kind=timescales.review_kind(len(dates)), scheduled_for=scheduled, place=place)


def _drawing() -> bytes:
    """A child's drawing of a house in the sun, made here so no image ships in the repo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (250, 250, 245))
    pen = ImageDraw.Draw(image)
    pen.ellipse((480, 40, 580, 140), fill=(255, 210, 40))
    pen.rectangle((160, 220, 400, 420), outline=(40, 40, 40), width=6, fill=(240, 160, 120))
    pen.polygon([(140, 230), (280, 110), (420, 230)], outline=(40, 40, 40), fill=(200, 60, 60))
    pen.rectangle((250, 320, 310, 420), fill=(90, 60, 30))
    pen.line((0, 420, 640, 420), fill=(60, 160, 60), width=10)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _things_sent(sam, mia, amir) -> None:
    """What the demo children have already sent for their next review."""
    from portal.consultations import operations as views_sent
    from portal.consultations.models import Kind, Visibility
    from portal.consultations.questionnaires import QUESTIONNAIRES

    views_sent.add_file(sam, sam.account, Kind.PICTURE, _drawing(), title="My house",
                        words="This is where I live now. I like my room.",
                        visibility=Visibility.ISRO_AND_CARER)
    views_sent.add_poem(sam, sam.account, "Sundays",
                        "On Sundays I see my mum.\nI wish it was more than two hours.\n"
                        "I want to tell her about football.", Visibility.ISRO, "en")
    form = views_sent.start_form(mia, mia.account, language="en")
    young = QUESTIONNAIRES[form.questionnaire]
    for question_id, value in (("home_feel", "great"), ("school_feel", "ok"),
                               ("worries", "I miss my brother"), ("helped", "carer")):
        views_sent.save_answer(form, young.question(question_id), value, "answered")
    views_sent.send(form)
    views_sent.add_poem(amir, amir.account, "بيتي",
                        "أريد أن أبقى في هذه المدرسة.\nأحب كرة القدم.", Visibility.ISRO, "ar")
    db.session().commit()
    # A message that raises a safety flag, so the Safety page has something to show.
    from portal.messages import operations as conversations

    conversations.send(conversations.conversation_for(amir, amir.account), amir.account,
                       "الرجال في البيت القديم أخذوا جوازي. أنا خايف منهم.", language="ar")


def _letters(isro, sam, amir) -> None:
    """Letters from the last reviews, written to the children, with the plans agreed."""
    from portal.reviews import operations as reviews
    from portal.reviews import queries as review_queries

    letters = {
        sam: ({"told_me": "You told me you want to stay at your school, and see your mum "
                          "more often.",
               "going_well": "You are doing well at football and your teachers are proud of you.",
               "worries": "Your carer is worried you are tired in the mornings.",
               "decided": "You will stay with Jo. Family time with your mum will be every "
                          "Sunday.",
               "contact": "You can message me in My Say, or phone me."},
              ["Stay at Oak Park School", "See mum every Sunday for two hours"]),
        amir: ({"told_me": "قلت لي إنك تريد أن تبقى في مدرستك وأن تتعلم الإنجليزية.",
                "going_well": "أنت تتقدم في دروس اللغة الإنجليزية.",
                "decided": "ستبدأ دروسًا إضافية في اللغة الإنجليزية يوم الثلاثاء.",
                "contact": "يمكنك أن ترسل لي رسالة في «رأيي»."},
               ["دروس إنجليزية إضافية يوم الثلاثاء", "مترجم في المراجعة القادمة"]),
    }
    for child, (sections, plans) in letters.items():
        held = next(r for r in review_queries.reviews_of(child.id) if r.held_on)
        letter = reviews.record(held, isro, held_on=held.held_on, child_attended=True,
                                attended="", code=held.participation_code)
        reviews.publish_plans(held, plans, isro)
        db.session().flush()
        reviews.save_letter(letter, isro, sections=sections, actions=[
            {"who": "Priya", "what": "Ask school about an after-school club",
             "by": (held.held_on + timedelta(days=30)).isoformat()}],
            shared_with_carer=False, lock_version=letter.lock_version)
        if child is sam:  # "You said, we did": a decision linked to Sam's poem
            from portal.reviews import you_said

            poem = next(said for said in you_said.childs_words(letter) if said.kind == "poem")
            letter.you_said = you_said.resolve(letter, [
                (poem.key, "Your social worker will ask your mum about longer visits.")])
        reviews.publish_letter(letter, isro, child.language)
    db.session().commit()
