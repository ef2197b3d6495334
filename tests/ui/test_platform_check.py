"""The missing X11 libraries of Qt's xcb plugin named in words, from a fake ldd output (no display needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseworker import i18n as core_i18n
from ui import platform_check
from ui.platform_check import MissingSystemLibraries, require_platform_libraries

# What ldd printed for PySide6 6.x's libqxcb.so on a fresh Debian 12 desktop (shortened).
LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd6b5f5000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1dfd019000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f1dfcf2f000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f1dfcf27000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1dfb9d8000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1dfd0a1000)
"""
X11 = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    path = tmp_path / "libqxcb.so"
    path.write_bytes(b"\x7fELF")
    return path


@pytest.fixture
def english():
    before = core_i18n.language()
    core_i18n.set_language("en")
    yield
    core_i18n.set_language(before)


def test_ldd_output_gives_each_missing_library_once_in_order():
    assert platform_check.parse_ldd(LDD_FRESH_DEBIAN) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert platform_check.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


def test_missing_libraries_are_named_with_the_apt_line(plugin: Path, english: None):
    with pytest.raises(MissingSystemLibraries) as caught:
        require_platform_libraries(X11, "linux", plugin, ldd=lambda _: LDD_FRESH_DEBIAN)
    message = str(caught.value)
    assert caught.value.missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert "missing: libxcb-icccm.so.4, libxcb-keysyms.so.1." in message
    assert "    sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "cursor" not in message  # not what Qt blames


def test_the_message_is_indonesian_first(plugin: Path):
    before = core_i18n.language()
    core_i18n.set_language("id")
    try:
        with pytest.raises(MissingSystemLibraries, match="belum terpasang: libxcb-icccm.so.4") as caught:
            require_platform_libraries(X11, "linux", plugin, ldd=lambda _: LDD_FRESH_DEBIAN)
    finally:
        core_i18n.set_language(before)
    assert "Pasang dengan perintah ini" in str(caught.value)
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in str(caught.value)


def test_without_ldd_the_known_libraries_are_tried_one_by_one(plugin: Path, english: None):
    absent = {"libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"}
    with pytest.raises(MissingSystemLibraries) as caught:
        require_platform_libraries(
            X11, "linux", plugin, ldd=lambda _: None, loads=lambda name: name not in absent
        )
    assert caught.value.missing == ["libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    assert "sudo apt install libxcb-keysyms1 libxkbcommon-x11-0" in str(caught.value)


def test_a_library_without_a_known_package_is_still_named(plugin: Path, english: None):
    output = "\tlibxcb-icccm.so.4 => not found\n\tlibfoo-x11.so.3 => not found\n"
    with pytest.raises(MissingSystemLibraries) as caught:
        require_platform_libraries(X11, "linux", plugin, ldd=lambda _: output)
    message = str(caught.value)
    assert "sudo apt install libxcb-icccm4\n" in message
    assert "No package is known for libfoo-x11.so.3" in message


def test_all_libraries_present_passes(plugin: Path):
    require_platform_libraries(X11, "linux", plugin, ldd=lambda _: "\tlibc.so.6 => /lib/libc.so.6 (0x1)\n")


@pytest.mark.parametrize(
    ("env", "system"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux"),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        (X11, "win32"),
        (X11, "darwin"),
    ],
)
def test_other_platforms_and_systems_are_not_checked(env: dict[str, str], system: str, plugin: Path):
    def never(_: Path) -> str:
        raise AssertionError("ldd should not run")

    require_platform_libraries(env, system, plugin, ldd=never)


def test_xcb_is_checked_when_asked_for_or_by_default():
    assert platform_check.first_platform({}) == "xcb"
    assert platform_check.first_platform({"QT_QPA_PLATFORM": "xcb:nodpi"}) == "xcb"
    assert platform_check.first_platform({"QT_QPA_PLATFORM": "xcb;offscreen"}) == "xcb"
    assert platform_check.first_platform({"XDG_SESSION_TYPE": "wayland"}) == "xcb"  # no Wayland display


def test_every_known_library_has_a_package_and_the_readme_names_them():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = "sudo apt install " + " ".join(platform_check.README_PACKAGES)
    assert line in readme
    assert set(platform_check.XCB_LIBRARIES.values()) <= set(platform_check.README_PACKAGES)


def test_the_app_exits_with_the_message_instead_of_qt_aborting(tmp_path: Path):
    """`caseworker` with X11 asked for and an ldd that finds no libxcb-icccm: exit 1, the apt line on
    stderr, and no QApplication was made (Qt would have aborted with "Could not load the Qt platform plugin")."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ldd"
    fake.write_text("#!/bin/sh\nprintf '\\tlibxcb-icccm.so.4 => not found\\n'\n", encoding="utf-8")
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": ":99",
        "LANG": "en_US.UTF-8",
        "CASEWORKER_CONFIG_DIR": str(tmp_path / "settings"),
        "CASEWORKER_PROFILE": str(tmp_path / "profile"),
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "ui.launcher"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb plugin is Linux only")
    assert result.returncode == 1, result.stderr
    # In Indonesian, whatever the system locale says (the app's default since issue 15 item 9).
    assert "belum terpasang: libxcb-icccm.so.4" in result.stderr
    assert "sudo apt install libxcb-icccm4" in result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr
