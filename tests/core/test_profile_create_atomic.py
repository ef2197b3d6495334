"""A profile appears whole or not at all: a creation (or a first enrolment) killed at any step leaves the
folder as it was, and the next attempt succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.errors import KnownError
from caseworker.store import profile as profmod
from caseworker.store.profile import create_profile, is_profile, open_profile

PASSWORD = "rahasia-123"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no cleanup (BaseException skips `except Exception`)."""


# Each step of a creation, in order; a kill "at" a step is a kill just before it.
STEPS = [
    "caseworker.store.profile.migrate",
    "caseworker.store.profile.make_slot",
    "caseworker.store.profile.write_profile",
    "caseworker.store.repository.audit",
    "caseworker.store.profile.os.rename",
]


def _create(folder: Path) -> None:
    create_profile(folder, username="ani", password=PASSWORD, facility_code="SDA").close()


@pytest.mark.parametrize("target", STEPS)
@pytest.mark.parametrize("exists", [False, True], ids=["new-folder", "empty-folder"])
def test_a_creation_killed_at_any_step_leaves_no_profile_and_the_next_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, exists: bool
):
    folder = tmp_path / "profiles" / "ani"
    if exists:
        folder.mkdir(parents=True)

    def kill(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as m:
        m.setattr(target, kill)
        with pytest.raises(Killed):
            _create(folder)
    assert not is_profile(folder)
    assert not folder.exists() or not any(folder.iterdir())
    _create(folder)
    store = open_profile(folder, "ani", PASSWORD)
    assert store.facility()["code"] == "SDA"
    store.close()
    # The killed attempt's hidden folder is gone; nothing else beside the profile.
    assert [p.name for p in folder.parent.iterdir()] == ["ani"]


def test_the_leftover_of_an_older_killed_creation_is_set_aside_and_creation_succeeds(tmp_path: Path):
    folder = tmp_path / "ani"
    _create(folder)
    (folder / profmod.PROFILE_FILE).unlink()  # what a kill before profile.json left with older versions
    assert not is_profile(folder)
    _create(folder)
    assert is_profile(folder)
    [aside] = [p for p in tmp_path.iterdir() if p.name != "ani"]
    assert aside.name.startswith("ani.unfinished-") and (aside / "caseworker.db").exists()


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "laporan.docx").write_bytes(b"not ours")
    with pytest.raises(KnownError) as err:
        _create(folder)
    assert err.value.key == "profile_folder_not_empty"
    assert [p.name for p in folder.iterdir()] == ["laporan.docx"]


def test_an_existing_profile_is_never_overwritten(tmp_path: Path):
    folder = tmp_path / "ani"
    _create(folder)
    with pytest.raises(KnownError) as err:
        _create(folder)
    assert err.value.key == "profile_exists"
