"""Forms are data: every band covers the sections the review team asks about."""
import pytest

from portal.consultations.questionnaires import FACES, QUESTIONNAIRES, SECTIONS, for_age


@pytest.mark.parametrize(("age", "band"), [(4, "4-7"), (7, "4-7"), (8, "8-12"), (12, "8-12"),
                                           (13, "13-15"), (15, "13-15"), (16, "16-17"),
                                           (17, "16-17"), (3, "4-7"), (18, "16-17")])
def test_the_form_is_chosen_by_age(age, band):
    assert for_age(age).id == band


def test_the_youngest_form_uses_faces_and_short_words():
    young = QUESTIONNAIRES["4-7"]
    assert sum(q.kind == FACES for q in young.questions) >= 5
    assert all(len(str(q.text)) <= 45 for q in young.questions)


@pytest.mark.parametrize("band", ["8-12", "13-15", "16-17"])
def test_fuller_forms_cover_every_section(band):
    sections = {q.section for q in QUESTIONNAIRES[band].questions}
    assert {"home", "school", "health", "family", "friends", "houses", "review"} <= sections


def test_review_questions_cover_who_where_when_chair_advocate_interpreter():
    ids = {q.id for q in QUESTIONNAIRES["13-15"].questions}
    assert {"talk_about", "who_there", "where", "when", "chair", "advocate", "interpreter",
            "interpreter_language", "not_in_front_of"} <= ids


def test_only_sixteen_and_over_get_leaving_care_questions():
    assert any(q.section == "leaving" for q in QUESTIONNAIRES["16-17"].questions)
    assert not any(q.section == "leaving" for q in QUESTIONNAIRES["13-15"].questions)


def test_interpreter_language_is_asked_only_after_yes():
    form = QUESTIONNAIRES["13-15"]
    asked = {q.id for q in form.shown({"interpreter": {"value": "yes", "status": "answered"}})}
    not_asked = {q.id for q in form.shown({"interpreter": {"value": "no", "status": "answered"}})}
    assert "interpreter_language" in asked and "interpreter_language" not in not_asked


def test_question_ids_are_unique_and_sections_known():
    for questionnaire in QUESTIONNAIRES.values():
        ids = [q.id for q in questionnaire.questions]
        assert len(ids) == len(set(ids))
        assert {q.section for q in questionnaire.questions} <= set(SECTIONS)
