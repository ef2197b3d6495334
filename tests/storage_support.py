"""Real storage conditions for tests: a small tmpfs that can be filled up or remounted read-only.

Mounting needs root (CI and this sandbox run as root), and root is not stopped by permission bits, so a
read-only folder is made the way it happens on a laptop: the file system itself is read-only (a USB stick
with its lock switch, a disk the system remounted read-only after an error). Where mounting is not
permitted the tests that need it are skipped with the reason; tests that inject the same OS error at the
store's lowest layer run everywhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class SmallDisk:
    """A tmpfs mounted on `root`: `fill()` takes every free byte, `free()` gives them back,
    `read_only()` remounts it read-only (and `writable()` back)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fillers: list[Path] = []

    def fill(self, leave: int = 0) -> None:
        """Write a file until the disk is full (less `leave` bytes, kept free by a second file removed
        at the end), so the next write of the store fails with ENOSPC."""
        keep = self.root / f".keep-{len(self._fillers)}"
        if leave:
            with open(keep, "wb", buffering=0) as handle:
                handle.write(b"\0" * leave)
        filler = self.root / f".filler-{len(self._fillers)}"
        self._fillers.append(filler)
        with open(filler, "wb", buffering=0) as handle:
            chunk = b"\0" * 65536
            while True:
                try:
                    handle.write(chunk)
                except OSError:
                    if len(chunk) == 1:
                        break
                    chunk = chunk[: len(chunk) // 2]
        keep.unlink(missing_ok=True)

    def free(self) -> None:
        for filler in self._fillers:
            filler.unlink(missing_ok=True)
        self._fillers.clear()

    def available(self) -> int:
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize

    def read_only(self) -> None:
        _run("mount", "-o", "remount,ro", str(self.root))

    def writable(self) -> None:
        _run("mount", "-o", "remount,rw", str(self.root))


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=True)


@contextlib.contextmanager
def small_disk(root: Path, size: str = "4m") -> Iterator[SmallDisk]:
    """A tmpfs of `size` on `root` for the test, unmounted after it; skips the test (saying why) where
    this machine does not let the tests mount one."""
    root.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or shutil.which("mount") is None:
        pytest.skip("a real full or read-only disk needs mount(8) (POSIX); the injected-error tests cover it")
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-error tests cover the same paths")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here ({done.stderr.strip()})")
    try:
        yield SmallDisk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], capture_output=True)


# -- the same conditions injected at the store's lowest layer (run everywhere) ---------------------------


class OsRefusingWrites:
    """`os` as the store's write-check sees it on a read-only or full disk: opening a file for writing in
    the profile folder fails with `err` (EROFS, ENOSPC). Everything else is the real `os`."""

    def __init__(self, folder: Path, err: int) -> None:
        self.folder, self.err = folder, err

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(os, name)

    def open(self, path, flags, mode=0o777):  # noqa: ANN001, ANN201
        if Path(path).parent == self.folder and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(self.err, os.strerror(self.err), str(path))
        return os.open(path, flags, mode)


def _sqlite_cannot_write_the_folder(
    monkeypatch: pytest.MonkeyPatch, error: str, failing: str = "SELECT count(*) FROM sqlite_master"
) -> None:
    """SQLite's read-write connection to the store fails as it does on a read-only or full disk: at its
    first read (which cannot make the -shm), or at its first write (`failing`: SQLITE_FULL). The read-only
    opening (`mode=ro` URI) is the real one."""
    from caseworker.store import db as dbmod

    real = dbmod.sqlcipher3.connect

    class Failing:
        def __init__(self, conn) -> None:  # noqa: ANN001
            self._conn = conn

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(self._conn, name)

        def execute(self, sql, *args):  # noqa: ANN001, ANN202
            if sql.startswith(failing):
                raise dbmod.OperationalError(error)
            return self._conn.execute(sql, *args)

    def connect(target, *args, **kwargs):  # noqa: ANN001, ANN202
        conn = real(target, *args, **kwargs)
        return conn if kwargs.get("uri") else Failing(conn)

    monkeypatch.setattr(dbmod.sqlcipher3, "connect", connect)


def refuse_writes(
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    err: int,
    sqlite_error: str,
    failing: str = "SELECT count(*) FROM sqlite_master",
) -> None:
    """The profile `folder` as on a read-only (EROFS) or full (ENOSPC) disk: the write-check beside the
    store meets `err`, and SQLite's read-write connection fails with `sqlite_error` at `failing`."""
    from caseworker.store import db as dbmod

    monkeypatch.setattr(dbmod, "os", OsRefusingWrites(folder, err))
    _sqlite_cannot_write_the_folder(monkeypatch, sqlite_error, failing)
