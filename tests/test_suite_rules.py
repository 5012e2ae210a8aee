"""The suite cannot pass by accident: a skip, at collection or in a test, fails the run,
and so does an expected failure that passes.

Each case runs pytest in a subprocess on a small file of its own, with this project's
pytest settings (pyproject.toml) and this suite's own hooks (imported from
tests/conftest.py, not copied), and says what the run must end with.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

# The hooks under test, taken from the suite's own conftest.py.
CONFTEST = "from tests.conftest import pytest_make_collect_report, pytest_runtest_makereport\n"


def _run(pytester: pytest.Pytester, monkeypatch, source: str) -> pytest.RunResult:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_case=source)
    return pytester.runpytest_subprocess(
        "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(pytester.path),
        "-p", "no:randomly", "-p", "no:cacheprovider", str(pytester.path / "test_case.py"),
        timeout=120)


def test_a_module_level_importorskip_fails_the_run(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, """
        import pytest

        pytest.importorskip("a_module_nobody_has_installed")

        def test_never_reached():
            pass
    """)

    # Expected: the run fails (exit code 2, as for any collection error), nothing passes,
    # nothing is counted as skipped, and the reason is given.
    assert result.ret == pytest.ExitCode.INTERRUPTED
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors") == 1 and "passed" not in outcomes
    assert "skipped" not in outcomes
    result.stdout.fnmatch_lines(["*skipped at collection counts as a failure*"
                                 "a_module_nobody_has_installed*"])


def test_a_module_level_skip_fails_the_run(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, """
        import pytest

        pytest.skip("not today", allow_module_level=True)

        def test_never_reached():
            pass
    """)

    # Expected: the run fails, with the skip's reason in the report.
    assert result.ret == pytest.ExitCode.INTERRUPTED
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors") == 1 and "passed" not in outcomes
    result.stdout.fnmatch_lines(["*skipped at collection counts as a failure*not today*"])


def test_a_skip_inside_a_test_fails_the_run(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, """
        import pytest

        def test_skips_itself():
            pytest.skip("needs a printer")

        def test_passes():
            pass
    """)

    # Expected: one failed (the skip), one passed; the run fails.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=1)


def test_an_expected_failure_that_passes_fails_the_run(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, """
        import pytest

        @pytest.mark.xfail(reason="thought to be broken")
        def test_actually_works():
            pass

        @pytest.mark.xfail(reason="really broken")
        def test_really_broken():
            assert False
    """)

    # Expected: with xfail_strict, the passing one fails ([XPASS(strict)]); the really
    # broken one is still an expected failure, not a skip turned failure.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*thought to be broken*"])


def test_a_module_that_collects_and_passes_still_passes(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, """
        def test_fine():
            pass
    """)

    # Expected: the hooks change nothing for an ordinary passing file.
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1)


def test_strict_xfail_is_the_projects_setting():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert settings["ini_options"]["xfail_strict"] is True


def test_random_order_is_part_of_the_test_extra():
    # Expected: pytest-randomly is installed with the tests, so every run shuffles the
    # order (and prints its seed): a test that needs another to run first is found.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("pytest-randomly") for r in project["optional-dependencies"]["test"])
