"""The safety word lists: how matching treats the ways children write, the lists' own
health, the safeguarding lead's command and the managers' page."""
import pytest

from portal.accounts.models import Role
from portal.messages.safety import (
    LIST_ORDER,
    ListError,
    compile_entry,
    find_entries,
    normalise,
    word_lists,
)
from tests.helpers import post_form

# The sections every list must have (README.md), as words their headings contain.
SECTIONS = ("safe", "physical", "sexual", "neglect", "fear", "run", "self-harm",
            "suicid", "bully", "exploitation", "online")


@pytest.mark.parametrize("written, plain", [
    ("He HIT me!!!", "he hit me"),
    ("don't  feel\tsafe", "dont feel safe"),
    ("خـــائفٌ جداً", "خايف جدا"),                       # tatweel, harakat, hamza seat
    ("می‌زنه", "میزنه".replace("ی", "ي")),             # ZWNJ joined; Persian yeh
    ("ک ك ګ گ ە ھ ة", "ك ك گ گ ه ه ه"),
    ("ڕ ڵ ټ ډ ړ ڼ ښ ږ", "ر ل ت د ر ن ش ژ"),
    ("Tôi bị đánh", "toi bi danh"),
    ("Më rrahën çdo ditë", "me rrahen cdo dite"),
    ("ሐሰት፡ሠርቶ።", "ሀሰት ሰርቶ"),
    ("ኣይፈቕዱለይን ዓዲ", "አይፈቅዱለይን አዲ"),
    ("I am sad 😢💔 help", "i am sad help"),
])
def test_normalising_forgives_how_children_type(written, plain):
    assert normalise(written) == plain


def test_entries_match_whole_words_stems_gaps_and_clitics():
    assert compile_entry("hit* me").spans(normalise("he keeps hitting me"))
    assert not compile_entry("hit me").spans(normalise("white meat"))
    assert compile_entry("took ... passport").spans(normalise("they took away my old passport"))
    assert not compile_entry("took ... passport").spans(
        normalise("took the bus and then I lost the form and my passport"))
    assert compile_entry("*ضربني").spans(normalise("وضربني بابا"))
    with pytest.raises(ListError):
        compile_entry("... passport")


def test_letters_typed_many_times_still_match():
    assert find_entries("plzzz helppp meeee")
    assert find_entries("im soooo scaaared")


def test_an_exclusion_stops_a_near_miss_but_not_the_real_thing():
    assert not find_entries("I want to die my hair blue")
    assert find_entries("I want to die")


def test_every_text_is_checked_against_every_list():
    # Pashto words from an English account, Arabic in Latin letters, Vietnamese without marks.
    assert {e.language for e in find_entries("زه ځان خوندي نه احساسوم")} >= {"ps"}
    assert find_entries("toi khong cam thay an toan")


@pytest.mark.parametrize("code", LIST_ORDER)
def test_each_language_has_a_list_with_a_review_header_and_every_section(code):
    found = word_lists()[code]
    header = " ".join(found.header).lower()
    assert "drafted by" in header and "reviewed by" in header
    assert "safeguarding lead" in header and "qualified translator" in header
    assert not found.reviewed  # nobody has reviewed them yet, and the page must say so
    sections = " ".join(found.sections).lower()
    for wanted in SECTIONS:
        assert wanted in sections, (code, wanted)
    assert len(found.entries) >= 80, code


@pytest.mark.parametrize("code", LIST_ORDER)
def test_each_list_catches_the_portals_own_i_dont_feel_safe_label(code):
    from babel.messages.pofile import read_po

    from portal.i18n import TRANSLATIONS_DIR

    if code == "en":
        label = "I don't feel safe"
    else:
        with (TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
            label = read_po(f)["I don't feel safe"].string
    assert code in {e.language for e in find_entries(label)}, label


def test_safety_scan_prints_one_line_for_each_line_read(app):
    result = app.test_cli_runner().invoke(
        args=["safety-scan", "-"], input="my uncle hits me\nfootball was good\n\n")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 3
    flag, entries = lines[0].split("\t")
    assert flag == "FLAG" and entries
    assert lines[1:] == ["ok", "ok"]


def test_safety_scan_reads_a_file_in_any_language(app, tmp_path):
    source = tmp_path / "lines.txt"
    source.write_text("أبوي يضربني\nhello\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["safety-scan", str(source)])
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.output.splitlines()] == ["FLAG", "ok"]


def test_a_manager_sees_every_list_and_tests_a_phrase(app, make, signed_in):
    manager = signed_in(make.account(Role.MANAGER))
    page = manager.get("/safety/words").get_data(as_text=True)
    assert page.count("Not reviewed") == len(LIST_ORDER)
    one = manager.get("/safety/words/ps").get_data(as_text=True)
    assert "Reviewed by: nobody yet" in one and "qualified translator" in one
    assert manager.get("/safety/words/xx").status_code == 404
    answer = post_form(manager, "/safety/words", {"phrase": "they took my passport"})
    assert "This would raise a flag" in answer.get_data(as_text=True)
    answer = post_form(manager, "/safety/words", {"phrase": "the film was scary"})
    assert "This would not raise a flag" in answer.get_data(as_text=True)
    assert signed_in(make.account(Role.ISRO)).get("/safety/words").status_code == 403


def test_the_index_finds_exactly_what_trying_every_entry_finds():
    """find_entries tries only the entries a text's words point to; on real messages that
    must give the same answer as trying all of them, exclusions included."""
    from portal.messages.safety import _index, _overlaps, _spellings
    from tests.safety.evaluation import evaluation_files, messages

    every = _index().entries
    sample = [text for path in evaluation_files().values()
              for _, text in messages(path)][::12]
    for text in sample:
        expected = set()
        for plain in _spellings(normalise(text)):
            excluded = [(e.language, span) for e in every if e.exclusion
                        for span in e.spans(plain)]
            expected |= {e.text for e in every if not e.exclusion and any(
                not _overlaps(span, [s for lang, s in excluded if lang == e.language])
                for span in e.spans(plain))}
        assert {e.text for e in find_entries(text)} == expected, text
