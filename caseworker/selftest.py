"""`caseworker --self-test`: does this installation work? Qt-free steps; ui/selftest.py adds the window.

Made for IT staff installing the app on a facility laptop and for the build script checking a frozen
build: every step works in a temporary folder (never the user's profile), prints one line with ✓/✗, the
time it took and a reason, and the run exits 0 only if no step failed. A warning (!) marks a step that
works with a limit the app already handles (e.g. no OS keyring: sign-in tokens stay in memory).
"""

from __future__ import annotations

import importlib
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from caseworker import APP_NAME, __version__, i18n, paths
from caseworker.store.store import Store

i18n.register(
    {
        "selftest.title": ("uji mandiri", "self-test"),
        "selftest.resources": ("Berkas sumber daya", "Resource files"),
        "selftest.profile": ("Profil terenkripsi", "Encrypted profile"),
        "selftest.case": ("Tulis dan baca kasus", "Write and read a case"),
        "selftest.pdf": ("Cetak ringkasan PDF", "Print a PDF summary"),
        "selftest.growth": ("z-skor pertumbuhan WHO", "WHO growth z-score"),
        "selftest.keyring": ("Keyring sistem", "System keyring"),
        "selftest.window": ("Jendela utama", "Main window"),
        "selftest.needs": ("dilewati: langkah {step} gagal", "skipped: step {step} failed"),
        "selftest.passed": ("Semua {n} pemeriksaan lulus.", "All {n} checks passed."),
        "selftest.failed": ("{failed} dari {n} pemeriksaan gagal.", "{failed} of {n} checks failed."),
        "selftest.no_keyring": (
            "tidak ada layanan keyring ({backend}); token masuk server hanya disimpan di memori",
            "no keyring service ({backend}); server sign-in tokens are kept in memory only",
        ),
    }
)

PASSWORD = "uji-mandiri-2026"  # a throwaway profile in a temporary folder
CLIENT_NAME = "Siti Ñur Aminah"  # a non-Latin-1 letter: the PDF font and the search must handle it
NOTE_TEXT = "Kunjungan rumah: ibu hadir, anak tampak sehat. Berat 9,6 kg."
# Platform keyring backend and the package it needs; if the module is missing the build is broken.
NATIVE_KEYRING = {
    "win32": ("keyring.backends.Windows", "win32ctypes.pywin32"),
    "darwin": ("keyring.backends.macOS", "keyring.backends.macOS.api"),
    "linux": ("keyring.backends.SecretService", "secretstorage"),
}


class StepWarning(Exception):
    """The step works with a limit the app handles; reported with '!' and not counted as a failure."""


@dataclass
class SelfTestContext:
    """What the steps share: a temporary folder and the store the profile step opened there."""

    workdir: Path
    lang: str = "id"  # fixed at the start: the UI step may switch the app's language mid-run
    store: Store | None = None
    case_id: str | None = None
    values: dict[str, object] = field(default_factory=dict)

    def require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("no open store")
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


@dataclass(frozen=True)
class Step:
    name: str  # short id, also the i18n key selftest.<name>
    run: Callable[[SelfTestContext], str]  # returns a detail line; raises to fail
    needs: tuple[str, ...] = ()  # steps that must have passed first


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # ok | warn | fail
    detail: str
    seconds: float

    @property
    def failed(self) -> bool:
        return self.status == "fail"


# --- the steps ---------------------------------------------------------------------------------------


def check_resources(ctx: SelfTestContext) -> str:
    from caseworker.domain import reference, regions
    from caseworker.forms import compute_scores, load_forms

    root = paths.resources_dir()
    needed = [
        ("fonts", "DejaVuSans.ttf"),
        ("fonts", "DejaVuSans-Bold.ttf"),
        ("who", "weianthro.txt"),
        ("who", "lenanthro.txt"),
        ("reference", "ppks_categories.json"),
        ("reference", "wilayah_kemendagri_2025.csv"),
    ]
    missing = [str(Path(*parts)) for parts in needed if not (root / Path(*parts)).is_file()]
    if missing:
        raise FileNotFoundError(f"{root}: {', '.join(missing)}")
    forms = load_forms()
    if "barthel" not in forms:
        raise FileNotFoundError(f"{root / 'forms'}: the Barthel form is missing")
    score = compute_scores(forms["barthel"], {"bab": "2"})["total"]["value"]
    if score != 2:
        raise RuntimeError(f"the Barthel form scored {score} instead of 2")
    regions.load()
    count = sum(1 for p in root.rglob("*") if p.is_file())
    return f"{count} files, {len(forms)} forms (Barthel scored), {len(reference.categories())} categories in {root}"


def open_temporary_profile(ctx: SelfTestContext) -> str:
    """Create an encrypted profile, close it and unlock it again with the password (key slots, argon2)."""
    from caseworker.store import db as dbmod
    from caseworker.store.profile import create_profile, open_profile

    folder = ctx.workdir / "profile"
    store = create_profile(folder, username="ujicoba", password=PASSWORD, facility_code="UJI")
    store.close()
    header = (folder / dbmod.DB_FILENAME).read_bytes()[:16]
    if header.startswith(b"SQLite format 3"):
        raise RuntimeError("the database file is not encrypted (plain SQLite header)")
    ctx.store = open_profile(folder, "ujicoba", PASSWORD)
    version = ctx.store.conn.execute("PRAGMA cipher_version").fetchone()
    return f"SQLCipher {version[0] if version else '?'}, file encrypted, unlocked again"


def write_and_read_case(ctx: SelfTestContext) -> str:
    from caseworker.store import cases, queries

    store = ctx.require_store()
    person_id = cases.register_person(
        store, {"name": CLIENT_NAME, "birth_date": "2025-01-15", "sex": "P", "address": "Sidoarjo"}
    ).id
    ctx.case_id = cases.open_case(store, person_id, "01", presenting_problem="Uji mandiri aplikasi")
    cases.add_note(store, ctx.case_id, NOTE_TEXT)
    case = queries.case_full(store, ctx.case_id)
    if case["person"]["name"] != CLIENT_NAME or [n["text"] for n in case["notes"]] != [NOTE_TEXT]:
        raise RuntimeError("the case read back differs from what was written")
    found = queries.case_ids(store, queries.CaseFilter(text="amin"))
    if found != [ctx.case_id]:
        raise RuntimeError(f"full-text search (FTS5) found {len(found)} cases instead of 1")
    return f"case {case['case_number']} with a note read back, found by search"


def render_pdf(ctx: SelfTestContext) -> str:
    from caseworker.reports import render_case_summary

    store = ctx.require_store()
    if ctx.case_id is None:
        raise RuntimeError("no case to print")
    path = render_case_summary(store, ctx.case_id, ctx.workdir / "ringkasan.pdf")
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise RuntimeError(f"{path.name} is not a complete PDF")
    if b"DejaVu" not in data:
        raise RuntimeError("the shipped font is not embedded in the PDF")
    return f"case summary {len(data) // 1024} KB, DejaVu Sans embedded"


def compute_growth(ctx: SelfTestContext) -> str:
    from caseworker.growth import compute

    # A boy of 12 months at the WHO median (9.6 kg, 75.7 cm lying) scores close to 0.
    result = compute("L", 365, weight_kg=9.6, length_cm=75.7, position="lying")
    for indicator in ("waz", "haz", "whz"):
        z = result.z(indicator)
        if z is None or abs(z) > 0.2:
            raise RuntimeError(f"{indicator} = {z} for a median child (WHO tables wrong or missing)")
    return (
        f"WAZ {result.waz:+.2f}, HAZ {result.haz:+.2f}, WHZ {result.whz:+.2f} for a median boy of 12 months"
    )


def check_keyring(ctx: SelfTestContext) -> str:
    """The platform's backend must be bundled; a machine without a keyring service only warns, because
    the app then keeps sign-in tokens in memory (see DESIGN.md)."""
    from importlib.metadata import entry_points

    import keyring
    from keyring.backends import fail

    if not entry_points(group="keyring.backends"):  # a frozen build without keyring's metadata finds none
        raise RuntimeError("keyring finds no backends (its package metadata is missing)")
    platform_key = "linux" if sys.platform.startswith("linux") else sys.platform
    for module in NATIVE_KEYRING.get(platform_key, ()):
        importlib.import_module(module)  # ImportError = a broken build: fail
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or name.startswith("keyring.backends.null"):
        raise StepWarning(i18n.text("selftest.no_keyring", ctx.lang, backend=name))
    service, user = f"{APP_NAME} self-test", "self-test"
    token = f"uji-{time.time_ns()}"
    try:
        keyring.set_password(service, user, token)
        read = keyring.get_password(service, user)
        keyring.delete_password(service, user)
    except Exception as exc:  # a locked or broken keyring service: the app falls back to memory
        raise StepWarning(i18n.text("selftest.no_keyring", ctx.lang, backend=f"{name}: {exc}")) from exc
    if read != token:
        raise RuntimeError(f"{name} returned a different secret than was stored")
    return f"{name}: store, read and delete a secret"


CORE_STEPS: tuple[Step, ...] = (
    Step("resources", check_resources),
    Step("profile", open_temporary_profile),
    Step("case", write_and_read_case, needs=("profile",)),
    Step("pdf", render_pdf, needs=("case",)),
    Step("growth", compute_growth),
    Step("keyring", check_keyring),
)


# --- running and reporting ------------------------------------------------------------------------------


def _encoding(out: TextIO) -> str:
    # None: an in-memory stream (StringIO), which takes any text.
    return getattr(out, "encoding", None) or "utf-8"


def _marks(out: TextIO) -> dict[str, str]:
    """✓ ✗ ! where the output can show them; a Windows console or log file in cp1252 gets ASCII."""
    try:
        "✓✗".encode(_encoding(out))
    except (LookupError, UnicodeEncodeError):
        return {"ok": "[OK]", "warn": "[!]", "fail": "[X]"}
    return {"ok": "✓", "warn": "!", "fail": "✗"}


def _safe(text: str, out: TextIO) -> str:
    """The text with what the output cannot encode replaced by '?': a report line never crashes."""
    try:
        return text.encode(_encoding(out), errors="replace").decode(_encoding(out))
    except LookupError:
        return text.encode("ascii", errors="replace").decode("ascii")


def run_step(step: Step, ctx: SelfTestContext) -> Outcome:
    start = time.perf_counter()
    try:
        detail, status = step.run(ctx), "ok"
    except StepWarning as exc:
        detail, status = str(exc), "warn"
    except Exception as exc:  # every failure becomes a reason on the report, never a traceback
        detail, status = f"{type(exc).__name__}: {exc}", "fail"
    return Outcome(step.name, status, detail, time.perf_counter() - start)


def run_steps(steps: Sequence[Step], ctx: SelfTestContext, out: TextIO) -> list[Outcome]:
    """Run the steps in order, printing each line as it finishes; a step whose prerequisite failed is
    reported as failed without running."""
    marks = _marks(out)
    outcomes: list[Outcome] = []
    failed: set[str] = set()
    for step in steps:
        blocked = [name for name in step.needs if name in failed]
        if blocked:
            outcome = Outcome(step.name, "fail", i18n.text("selftest.needs", ctx.lang, step=blocked[0]), 0.0)
        else:
            outcome = run_step(step, ctx)
        if outcome.failed:
            failed.add(step.name)
        outcomes.append(outcome)
        label = i18n.text(f"selftest.{step.name}", ctx.lang)
        line = f"{marks[outcome.status]} {label:<26} {outcome.seconds:6.2f} s  {outcome.detail}"
        print(_safe(line, out), file=out, flush=True)
    return outcomes


def header(lang: str) -> str:
    how = "frozen" if getattr(sys, "frozen", False) else "source"
    return (
        f"{APP_NAME} {__version__} {i18n.text('selftest.title', lang)} "
        f"(Python {platform.python_version()}, {platform.system()} {platform.release()}, {how})"
    )


def run_self_test(extra_steps: Sequence[Step] = (), out: TextIO | None = None) -> int:
    """Run CORE_STEPS then `extra_steps` (the UI adds its window check) in a temporary folder that is
    removed afterwards. Returns the exit status: 0 if no step failed, 1 otherwise."""
    out = out or sys.stdout
    lang = i18n.language()
    print(_safe(header(lang), out), file=out, flush=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="caseworker-selftest-", ignore_cleanup_errors=True) as tmp:
        ctx = SelfTestContext(Path(tmp), lang)
        try:
            outcomes = run_steps([*CORE_STEPS, *extra_steps], ctx, out)
        finally:
            ctx.close()
    failed = sum(o.failed for o in outcomes)
    summary = (
        i18n.text("selftest.failed", lang, failed=failed, n=len(outcomes))
        if failed
        else i18n.text("selftest.passed", lang, n=len(outcomes))
    )
    print(_safe(f"{summary} ({time.perf_counter() - start:.1f} s)", out), file=out, flush=True)
    return 1 if failed else 0
