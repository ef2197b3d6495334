"""Rasterise resources/icons/caseworker.svg into the per-OS app icons the desktop build needs.

    .venv/bin/python scripts/make_icons.py

Writes caseworker.png (512 px, Linux and the window icon), caseworker.ico (Windows, 16-256 px) and
caseworker.icns (macOS). Run it again after changing the SVG; the outputs are committed so a build needs
neither Qt's SVG renderer nor Pillow's ICNS writer on the build machine.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render_png(svg: Path, size: int) -> bytes:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    from PIL import Image

    svg = ICONS / "caseworker.svg"
    big = Image.open(io.BytesIO(render_png(svg, 1024))).convert("RGBA")
    big.resize((512, 512), Image.Resampling.LANCZOS).save(ICONS / "caseworker.png")
    big.save(ICONS / "caseworker.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(ICONS / "caseworker.icns")
    for name in ("caseworker.png", "caseworker.ico", "caseworker.icns"):
        print(f"{ICONS / name}: {(ICONS / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
