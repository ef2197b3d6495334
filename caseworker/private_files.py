"""Files and folders only the user can read: folders 0700, files 0600 (POSIX).

Caseworker holds the identities of vulnerable children and adults, so the profile folder, everything in it,
exports, PDFs, backups and the server's SQLite database are private to the user who made them. The helpers
here create them that way whatever the process umask is, and tighten what an earlier version left wider.
`private_umask()` is a backstop at the entry points, for files a library creates on its own (SQLite's
-wal/-shm, temporary files). On Windows the POSIX modes mean nothing (a profile under the user's folder is
private through its ACL), so every helper only creates the file or folder there and changes no mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

POSIX = os.name == "posix"
DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

_FLAGS = {
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
}


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Run the block with group and others masked out of every new file's mode (the entry points' backstop);
    the previous umask is restored after it, so a caller in the same process keeps its own."""
    if not POSIX:
        yield
        return
    previous = os.umask(PRIVATE_UMASK)
    os.umask(previous | PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def tighten(path: str | os.PathLike[str]) -> None:
    """Take group and other permissions off one existing file or folder (a symlink is left alone)."""
    if not POSIX:
        return
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def tighten_tree(root: str | os.PathLike[str]) -> None:
    """Tighten a folder and everything in it: what an older version wrote 0755/0644 becomes 0700/0600."""
    if not POSIX or not os.path.isdir(root):
        return
    tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            tighten(os.path.join(folder, name))


def make_parents(path: str | os.PathLike[str]) -> Path:
    """Create the folders missing above `path` as 0700; existing ones (the user's Documents) are not
    touched."""
    private_dir(Path(path).parent, tighten_existing=False)
    return Path(path)


def private_dir(path: str | os.PathLike[str], *, tighten_existing: bool = True) -> Path:
    """Create `path` and any missing parents as 0700; an existing `path` is tightened to 0700 unless
    `tighten_existing` is false. Returns the path."""
    folder = Path(path)
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        try:
            new.mkdir(DIR_MODE)
        except FileExistsError:  # made meanwhile by another thread or process: theirs to set
            continue
        if POSIX:
            os.chmod(new, DIR_MODE)  # exactly 0700, whatever the umask took off
    if tighten_existing and not missing:
        tighten(folder)
    return folder


def open_private(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`open()` for writing a file only the user can read: created 0600, an existing file made 0600.
    Modes: w, x, a, with b and/or + (e.g. "wb", "w+b")."""
    kind = mode.replace("b", "").replace("t", "").replace("+", "")
    if kind not in _FLAGS:
        raise ValueError(f"open_private: mode {mode!r} does not write")
    flags = _FLAGS[kind]
    if "+" in mode:
        flags = (flags & ~os.O_WRONLY) | os.O_RDWR
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        if POSIX:
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with open_private(path, "wb") as handle:
        handle.write(data)


def write_private_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    with open_private(path, "w", encoding=encoding) as handle:
        handle.write(text)


def prepare_private_file(path: str | os.PathLike[str]) -> None:
    """Make sure `path` exists as a private file before a library opens it by name (openpyxl, zipfile,
    SQLite): created empty 0600, or an existing one tightened. Libraries that truncate keep the mode. A
    missing folder is left for the library to report in its own words."""
    if os.path.exists(path):
        tighten(path)
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    except FileNotFoundError:
        return
    tighten(path)


def prepare_sqlite_file(path: str | os.PathLike[str]) -> None:
    """Before SQLite opens a database file: the file private (an empty file is an empty database), and the
    -wal/-shm/-journal files an older version left tightened. SQLite gives the -wal and -shm it creates the
    database file's own mode, so they come out 0600 too."""
    prepare_private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        tighten(os.fspath(path) + suffix)
