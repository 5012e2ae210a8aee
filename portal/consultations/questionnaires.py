"""Consultation forms as data: questions, sections and age bands, drawn by one renderer.

Question ids are shared between bands, so a child who switches form keeps the answers
the two forms have in common. Text is translatable (lazy_gettext).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# Kinds of question the renderer knows.
FACES, TEXT, CHOICE, MULTI = "faces", "text", "choice", "multi"
NOT_SURE = "not_sure"
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Option:
    value: str
    label: object
    picture: str | None = None  # static/pictures/<picture>.svg


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str
    text: object
    hint: object | None = None
    options: tuple[Option, ...] = ()
    # Shown only when another question has this answer: (question id, value).
    show_if: tuple[str, str] | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: object
    picture: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: object
    description: object
    ages: range
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def shown(self, answers: dict) -> list[Question]:
        """The questions this child sees, given their answers so far."""
        return [q for q in self.questions
                if q.show_if is None or answers.get(q.show_if[0], {}).get("value") == q.show_if[1]]


SECTIONS = {s.id: s for s in (
    Section("home", _l("Home"), "home"),
    Section("school", _l("School or college"), "school"),
    Section("health", _l("Health and feelings"), "heart"),
    Section("family", _l("Family and people who matter"), "family"),
    Section("friends", _l("Friends and fun"), "star"),
    Section("houses", _l("The three houses"), "houses"),
    Section("leaving", _l("Leaving care"), "key"),
    Section("review", _l("My review meeting"), "meeting"),
    Section("about", _l("About this form"), "pencil"),
)}

FACE_OPTIONS = (
    Option("great", _l("Great"), "face-great"),
    Option("ok", _l("OK"), "face-ok"),
    Option("not_good", _l("Not good"), "face-not-good"),
    Option("no_say", _l("I don't want to say"), "face-quiet"),
)
YES_NO = (Option("yes", _l("Yes")), Option("no", _l("No")), Option(NOT_SURE, _l("Not sure")))


def faces(qid: str, section: str, text, hint=None) -> Question:
    return Question(qid, section, FACES, text, hint, FACE_OPTIONS)


def words(qid: str, section: str, text, hint=None, show_if=None) -> Question:
    return Question(qid, section, TEXT, text, hint, show_if=show_if)


def choice(qid: str, section: str, text, options, hint=None, show_if=None) -> Question:
    return Question(qid, section, CHOICE, text, hint, tuple(options), show_if)


def several(qid: str, section: str, text, options, hint=None) -> Question:
    return Question(qid, section, MULTI, text, hint, tuple(options))


WHO_THERE = (
    Option("carer", _l("My carer")), Option("social_worker", _l("My social worker")),
    Option("family", _l("Someone from my family")), Option("teacher", _l("A teacher")),
    Option("friend", _l("A friend")), Option("advocate", _l("An advocate")),
    Option("other", _l("Someone else")),
)
WHERE = (
    Option("home", _l("Where I live")), Option("school", _l("At school or college")),
    Option("office", _l("At the council office")), Option("online", _l("Online, on a video call")),
    Option("other", _l("Somewhere else")), Option(NOT_SURE, _l("I don't mind")),
)
WHEN = (
    Option("school_day", _l("In the school day")), Option("after_school", _l("After school")),
    Option("holidays", _l("In the holidays")), Option(NOT_SURE, _l("I don't mind")),
)
HELPED = (
    Option("no", _l("No, I did it myself")), Option("carer", _l("Yes, my carer helped")),
    Option("someone_else", _l("Yes, someone else helped")),
)
# Express mode shows every answer as a big tile; these are the symbols for answers that
# have no face (static/pictures/<name>.svg). An answer not listed here is a tile of words.
EXPRESS_PICTURES = {
    "yes": "yes", "no": "no", NOT_SURE: "not-sure",
    "carer": "home", "social_worker": "meeting", "family": "family", "teacher": "school",
    "friend": "star", "advocate": "heart",
    "home": "home", "school": "school", "office": "meeting",
    # Where one question's answer means something else: "No, I did it myself".
    "helped:no": "star", "helped:carer": "home", "helped:someone_else": "family",
}


def express_picture(question: Question, option: Option) -> str | None:
    """The symbol for an answer tile in Express mode: its face, or a symbol, or none."""
    return (option.picture or EXPRESS_PICTURES.get(f"{question.id}:{option.value}")
            or EXPRESS_PICTURES.get(option.value))
LANGUAGES = (
    Option("ar", "العربية"), Option("ps", "پښتو"), Option("fa_AF", "دری"), Option("fa", "فارسی"),
    Option("ckb", "کوردی"), Option("ti", "ትግርኛ"), Option("am", "አማርኛ"), Option("sq", "Shqip"),
    Option("vi", "Tiếng Việt"), Option("other", _l("Another language")),
)

# --- 4 to 7: faces, pictures, short words ------------------------------------------
YOUNG = (
    faces("home_feel", "home", _l("How do you feel about where you live?")),
    faces("school_feel", "school", _l("How is school?")),
    faces("health_feel", "health", _l("How do you feel most days?")),
    faces("family_feel", "family", _l("How is seeing your family?")),
    faces("friends_feel", "friends", _l("How are things with your friends?")),
    words("worries", "houses", _l("Is anything worrying you?"),
          _l("This is your house of worries.")),
    words("good_things", "houses", _l("What makes you happy?"),
          _l("This is your house of good things.")),
    words("dreams", "houses", _l("What do you wish for?"), _l("This is your house of dreams.")),
    choice("come_to_review", "review", _l("Do you want to come to your meeting?"), YES_NO),
    several("who_there", "review", _l("Who do you want at your meeting?"), WHO_THERE,
            _l("Choose as many as you like.")),
    words("talk_about", "review", _l("What do you want to talk about?")),
    choice("helped", "about", _l("Did someone help you with this?"), HELPED),
)

# --- 8 and over: fuller questions ----------------------------------------------------
def _review_questions() -> tuple[Question, ...]:
    return (
        words("talk_about", "review", _l("What do you want to talk about at your review?")),
        several("who_there", "review", _l("Who do you want to be there?"), WHO_THERE,
                _l("Choose as many as you like.")),
        choice("where", "review", _l("Where would you like your review to be?"), WHERE),
        choice("when", "review", _l("When is a good time?"), WHEN),
        choice("chair", "review", _l("Would you like to chair your review, with help?"),
               YES_NO, _l("Chairing means you help run the meeting. Your ISRO will help you.")),
        choice("advocate", "review", _l("Would you like an advocate?"), YES_NO,
               _l("An advocate is someone who helps you say what you think.")),
        choice("interpreter", "review", _l("Would you like an interpreter at your review?"),
               YES_NO),
        choice("interpreter_language", "review", _l("Which language?"), LANGUAGES,
               show_if=("interpreter", "yes")),
        words("not_in_front_of", "review",
              _l("Is there anything you don't want said in front of someone?"),
              _l("Tell us what, and in front of whom. Your ISRO will keep it private.")),
    )


def _older(more: tuple[Question, ...] = ()) -> tuple[Question, ...]:
    return (
        faces("home_feel", "home", _l("How do you feel about where you live?")),
        words("home_more", "home", _l("What is it like living with the people you live with?")),
        faces("school_feel", "school", _l("How are things at school or college?")),
        words("school_more", "school", _l("What is going well, and what is hard?")),
        faces("health_feel", "health", _l("How are you feeling, in your body and your mind?")),
        words("health_more", "health", _l("Is there anything about your health you want to say?")),
        faces("family_feel", "family", _l("How do you feel about family time?"),
              _l("Seeing or calling your family, and people who matter to you.")),
        words("family_more", "family", _l("Who would you like to see more, or less?")),
        faces("friends_feel", "friends", _l("How are things with friends and free time?")),
        words("friends_more", "friends", _l("What do you enjoy doing?")),
        words("worries", "houses", _l("What are you worried about?"),
              _l("The house of worries.")),
        words("good_things", "houses", _l("What is going well for you?"),
              _l("The house of good things.")),
        words("dreams", "houses", _l("What are your hopes and dreams?"),
              _l("The house of dreams.")),
        *more,
        *_review_questions(),
    )


LEAVING_CARE = (
    words("leaving_home", "leaving", _l("Where do you want to live when you leave care?")),
    faces("leaving_money", "leaving", _l("How do you feel about managing money?")),
    words("leaving_work", "leaving",
          _l("What do you want to do next: education, training or work?")),
    words("leaving_support", "leaving", _l("Who can you turn to for help?")),
)

TEEN_EXTRA = (
    words("plan_change", "health", _l("Is there anything in your care plan you want to change?")),
)

# --- Filled in by adults: a carer's observations of an under-4, an ISRO's visit ---------
OBSERVATION = (
    words("routine", "home", _l("Daily routine: how are the child's days?")),
    words("sleep_eating", "health", _l("Sleep and eating")),
    words("development", "school", _l("Development and play: what is new?")),
    words("health", "health", _l("Health: appointments, illness, anything to note")),
    words("family_time", "family", _l("Family time: how is the child before and after?")),
    words("enjoys", "friends", _l("What does the child enjoy?")),
    words("upsets", "houses", _l("What seems to upset them?")),
    words("carer_worries", "houses", _l("Is there anything you are worried about?")),
)
VISIT = (
    words("seen", "home", _l("What I saw on my visit")),
    words("child_seemed", "health", _l("How the child seemed")),
    words("carer_said", "family", _l("What the carer told me")),
)
ADVOCACY = (
    words("views", "review", _l("The child's views, in their own words where you can"),
          _l("Write what the child said. Quote them where you can.")),
    words("wishes", "review", _l("What the child would like to happen")),
)

QUESTIONNAIRES: dict[str, Questionnaire] = {q.id: q for q in (
    Questionnaire("4-7", _l("Short form with faces"), _l("A few questions, with faces to choose."),
                  range(4, 8), YOUNG),
    Questionnaire("8-12", _l("Form for ages 8 to 12"),
                  _l("Questions about your life and your review."), range(8, 13), _older()),
    Questionnaire("13-15", _l("Form for ages 13 to 15"),
                  _l("Fuller questions about your life and plans."), range(13, 16),
                  _older(TEEN_EXTRA)),
    Questionnaire("16-17", _l("Form for ages 16 and 17"),
                  _l("The same, plus questions about leaving care."),
                  range(16, 19), _older(TEEN_EXTRA + LEAVING_CARE)),
)}


def for_age(age: int) -> Questionnaire:
    """The form for a child's age at their review (the nearest band outside 4 to 17)."""
    for questionnaire in QUESTIONNAIRES.values():
        if age in questionnaire.ages:
            return questionnaire
    return QUESTIONNAIRES["4-7"] if age < 4 else QUESTIONNAIRES["16-17"]


# Filled in by adults, not offered to children as "their" form.
ADULT_FORMS: dict[str, Questionnaire] = {q.id: q for q in (
    Questionnaire("observation", _l("Observations of a child under 4"),
                  _l("For the child's carer, before each review."), range(0, 4), OBSERVATION),
    Questionnaire("visit", _l("ISRO visit notes"), _l("What you saw on a visit."), range(0, 4),
                  VISIT),
    Questionnaire("advocacy", _l("Views given to an advocate"),
                  _l("The child's views, as they gave them to you."), range(4, 19), ADVOCACY),
)}


def any_form(questionnaire_id: str | None) -> Questionnaire | None:
    return QUESTIONNAIRES.get(questionnaire_id or "") or ADULT_FORMS.get(questionnaire_id or "")
