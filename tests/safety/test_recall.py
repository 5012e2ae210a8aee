"""The word lists find children who may be unsafe in every language, without crying wolf
on ordinary messages: measured on our own evaluation set (bench/safety_recall.py prints
the figures; see evaluation.py for how the set is kept apart from the lists)."""
import pytest

from portal.messages.safety import LIST_ORDER
from tests.safety.evaluation import evaluation_files, messages, score

RECALL_AT_LEAST = 0.90
FALSE_POSITIVES_AT_MOST = 0.10


def test_every_language_has_an_evaluation_set_big_enough_to_mean_something():
    files = evaluation_files()
    assert set(files) == set(LIST_ORDER)
    for code, path in files.items():
        found = messages(path)
        assert sum(unsafe for unsafe, _ in found) >= 25, code
        assert sum(not unsafe for unsafe, _ in found) >= 12, code


@pytest.mark.parametrize("code", LIST_ORDER)
def test_recall_and_false_positives_meet_the_aim(code):
    result = score(code)
    assert result.recall >= RECALL_AT_LEAST, (code, result.recall, result.missed)
    assert result.false_positive_rate <= FALSE_POSITIVES_AT_MOST, (code, result.alarmed)
