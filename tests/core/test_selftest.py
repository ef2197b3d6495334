"""caseworker.selftest: the Qt-free half of `caseworker --self-test` (ui/selftest.py adds the window;
tests/test_build.py runs the whole command from source and frozen)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from caseworker import paths, selftest
from caseworker.selftest import SelfTestContext, Step, StepWarning


def run(steps=(), **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    return selftest.run_self_test(steps, out=out, **kwargs), out.getvalue()


def test_all_core_steps_pass_from_source_and_say_so(sandbox: Path):
    profile_before = sorted(p.name for p in Path(os.environ["CASEWORKER_PROFILE"]).iterdir())
    code, text = run()
    assert code == 0, text
    step_lines = text.splitlines()[1:-1]
    assert len(step_lines) == len(selftest.CORE_STEPS)
    assert all(line.startswith("✓ ") for line in step_lines), text  # tests use an in-memory keyring
    assert "DejaVu Sans embedded" in text and "SQLCipher" in text and "WAZ -0.04" in text
    assert text.splitlines()[-1].startswith("Semua 6 pemeriksaan lulus.")
    # The user's own profile folder is never touched: everything happened in a temporary folder.
    assert sorted(p.name for p in Path(os.environ["CASEWORKER_PROFILE"]).iterdir()) == profile_before


def test_the_temporary_folder_is_removed(monkeypatch: pytest.MonkeyPatch):
    seen: list[Path] = []

    def remember(ctx: SelfTestContext) -> str:
        seen.append(ctx.workdir)
        assert (ctx.workdir / "profile" / "caseworker.db").exists()
        return "seen"

    code, _ = run([Step("extra", remember, needs=("profile",))])
    assert code == 0 and seen and not seen[0].exists()


def test_a_failing_step_gives_its_reason_and_exit_1():
    def broken(ctx: SelfTestContext) -> str:
        raise OSError("disk full")

    code, text = run([Step("window", broken)])
    assert code == 1
    assert "✗ Jendela utama" in text and "OSError: disk full" in text
    assert text.splitlines()[-1].startswith("1 dari 7 pemeriksaan gagal.")


def test_a_step_whose_prerequisite_failed_is_failed_without_running(monkeypatch: pytest.MonkeyPatch):
    def no_profile(ctx: SelfTestContext) -> str:
        raise RuntimeError("cannot create")

    ran: list[str] = []
    steps = (
        Step("profile", no_profile),
        Step("case", lambda ctx: ran.append("case") or "x", needs=("profile",)),
    )
    monkeypatch.setattr(selftest, "CORE_STEPS", steps)
    code, text = run()
    assert code == 1 and ran == []
    assert "dilewati: langkah profile gagal" in text


def test_missing_resources_fail_with_the_file_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    (tmp_path / "fonts").mkdir()
    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path)
    outcome = selftest.run_step(Step("resources", selftest.check_resources), SelfTestContext(tmp_path))
    assert outcome.failed
    assert "DejaVuSans.ttf" in outcome.detail and "weianthro.txt" in outcome.detail


def test_no_keyring_service_is_a_warning_not_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    outcome = selftest.run_step(Step("keyring", selftest.check_keyring), SelfTestContext(tmp_path, "en"))
    assert outcome.status == "warn"
    assert "kept in memory only" in outcome.detail


def test_a_keyring_that_loses_secrets_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    backend = keyring.get_keyring()
    monkeypatch.setattr(backend, "get_password", lambda service, user: "something else")
    outcome = selftest.run_step(Step("keyring", selftest.check_keyring), SelfTestContext(tmp_path))
    assert outcome.failed and "different secret" in outcome.detail


def test_warnings_do_not_fail_the_run():
    def limited(ctx: SelfTestContext) -> str:
        raise StepWarning("works, with a limit")

    code, text = run([Step("window", limited)])
    assert code == 0
    assert "! Jendela utama" in text and "works, with a limit" in text


def test_english_report(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(selftest, "CORE_STEPS", (Step("growth", selftest.compute_growth),))
    from caseworker import i18n

    monkeypatch.setattr(i18n, "language", lambda: "en")
    code, text = run()
    assert code == 0
    assert "self-test" in text.splitlines()[0] and "✓ WHO growth z-score" in text
    assert text.splitlines()[-1].startswith("All 1 checks passed.")


class Cp1252(io.StringIO):
    """A Windows console or log file that cannot show ✓ and ✗."""

    encoding = "cp1252"


def test_a_cp1252_output_gets_ascii_marks(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(selftest, "CORE_STEPS", (Step("growth", selftest.compute_growth),))
    out = Cp1252()
    assert selftest.run_self_test([Step("window", lambda ctx: "Ñ ✓ ok")], out=out) == 0
    text = out.getvalue()
    text.encode("cp1252")  # nothing the console cannot print
    assert "[OK] z-skor" in text and "Ñ ? ok" in text
