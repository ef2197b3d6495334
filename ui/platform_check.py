"""Before the window opens on Linux: are the system libraries of Qt's X11 platform plugin (xcb) installed?

Without them Qt aborts with "Could not load the Qt platform plugin xcb" and blames libxcb-cursor0 whatever
is really missing (on a fresh Debian or Ubuntu desktop it is usually libxcb-icccm4 and libxcb-keysyms1).
`require_platform_libraries()` asks the dynamic loader first (`ldd` on the plugin inside PySide6, which
also lists what Qt's own libraries need) and, without ldd, tries the known libraries one by one; what is
missing is said in words with the `sudo apt install ...` line that installs it (README: System packages).
Windows and macOS need nothing: PySide6 brings all it needs there.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ui import i18n

# Library (soname) -> the Debian/Ubuntu package that installs it. The first ones are those a fresh desktop
# lacks; the rest are usually there but are named too when missing.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
}
OTHER_LIBRARIES: dict[str, str] = {
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
PACKAGES: dict[str, str] = {**XCB_LIBRARIES, **OTHER_LIBRARIES}
# The line the README gives (System packages): everything Qt's xcb plugin needs beyond a minimal desktop.
README_PACKAGES = (*XCB_LIBRARIES.values(), "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3")

i18n.register(
    {
        "platform.missing": (
            "Caseworker tidak dapat membuka jendela: pustaka sistem untuk tampilan X11 (plugin Qt xcb) "
            "belum terpasang: {libraries}.",
            "Caseworker cannot open its window: system libraries of the X11 display (Qt's xcb plugin) "
            "are missing: {libraries}.",
        ),
        "platform.install": (
            "Pasang dengan perintah ini, lalu jalankan caseworker lagi:",
            "Install them with this command, then start caseworker again:",
        ),
        "platform.unknown": (
            "Paket untuk {libraries} tidak dikenal: cari dengan `apt-file search <nama berkas>`.",
            "No package is known for {libraries}: find it with `apt-file search <file name>`.",
        ),
        "platform.cli": (
            "Perintah baris (caseworker --help) tetap bekerja tanpa pustaka ini.",
            "Command-line use (caseworker --help) works without these libraries.",
        ),
    }
)


class MissingSystemLibraries(RuntimeError):
    """The window cannot open: the message names the libraries and the command that installs them."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__(describe(self.missing))


def first_platform(env: Mapping[str, str]) -> str:
    """The Qt platform plugin Qt tries first: QT_QPA_PLATFORM's first entry, else wayland in a Wayland
    session, else xcb (X11)."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip().lower()
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def parse_ldd(output: str) -> list[str]:
    """The libraries ldd could not find ("libxcb-icccm.so.4 => not found"), each once, in its order."""
    missing: list[str] = []
    for line in output.splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def _run_ldd(plugin: Path) -> str | None:
    try:
        result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 or "not found" in result.stdout else None


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    plugin: Path,
    ldd: Callable[[Path], str | None] = _run_ldd,
    loads: Callable[[str], bool] = _loads,
) -> list[str]:
    """The shared libraries the xcb plugin needs that this system lacks; [] when all are there."""
    output = ldd(plugin)
    if output is not None:
        return parse_ldd(output)
    return [name for name in XCB_LIBRARIES if not loads(name)]  # no ldd: the known list, one by one


def describe(missing: Sequence[str]) -> str:
    """The message in the app's language: what is missing and the `sudo apt install` line."""
    packages = list(dict.fromkeys(PACKAGES[name] for name in missing if name in PACKAGES))
    unknown = [name for name in missing if name not in PACKAGES]
    lines = [i18n.tr("platform.missing", libraries=", ".join(missing))]
    if packages:
        lines += [i18n.tr("platform.install"), "    sudo apt install " + " ".join(packages)]
    if unknown:
        lines.append(i18n.tr("platform.unknown", libraries=", ".join(unknown)))
    lines.append(i18n.tr("platform.cli"))
    return "\n".join(lines)


def xcb_plugin() -> Path:
    from PySide6.QtCore import QLibraryInfo  # QtCore only: no platform plugin is loaded by this

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"


def require_platform_libraries(
    env: Mapping[str, str] | None = None,
    system: str | None = None,
    plugin: Path | None = None,
    ldd: Callable[[Path], str | None] = _run_ldd,
    loads: Callable[[str], bool] = _loads,
) -> None:
    """Raise MissingSystemLibraries when Qt is about to load the xcb plugin and it cannot; on other
    systems and platforms (offscreen, wayland) nothing is checked."""
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    if not system.startswith("linux") or first_platform(env) != "xcb":
        return
    plugin = plugin or xcb_plugin()
    if not plugin.is_file():
        return  # not where PySide6 keeps it: Qt says what it can
    missing = missing_libraries(plugin, ldd, loads)
    if missing:
        raise MissingSystemLibraries(missing)
