"""Desktop settings in a JSON file under caseworker.paths.settings_dir() (no QSettings: one readable file,
easy to reset, and tests point CASEWORKER_CONFIG_DIR at a temporary folder)."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from caseworker import paths
from caseworker.private_files import private_dir, write_private_text

FILE_NAME = "desktop.json"
DEFAULT_IDLE_MINUTES = 10


@dataclass
class Settings:
    language: str | None = None  # None until chosen: Indonesian (ui.app.startup_language)
    idle_lock_minutes: int = DEFAULT_IDLE_MINUTES
    last_user: dict[str, str] = field(default_factory=dict)  # profile folder -> last user name
    column_widths: dict[str, int] = field(default_factory=dict)  # case-table column key -> pixels
    sort_column: str = "name"
    sort_descending: bool = False
    geometry: str = ""  # hex of QWidget.saveGeometry()
    nav_width: int = 0

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or settings_path()
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = (
            {k: v for k, v in data.items() if k in known} if isinstance(data, dict) else {}
        )
        settings = cls(**values)
        if settings.language not in (None, "id", "en"):
            settings.language = None
        if not isinstance(settings.idle_lock_minutes, int) or settings.idle_lock_minutes < 0:
            settings.idle_lock_minutes = DEFAULT_IDLE_MINUTES
        return settings

    def save(self, path: Path | None = None) -> None:
        """Written atomically; a settings file that cannot be written never stops the app."""
        path = path or settings_path()
        with contextlib.suppress(OSError):
            private_dir(path.parent)  # the app's own settings folder: 0700, the file 0600
            tmp = path.with_suffix(".tmp")
            write_private_text(tmp, json.dumps(asdict(self), indent=1, ensure_ascii=False))
            os.replace(tmp, path)


def settings_path() -> Path:
    return paths.settings_dir() / FILE_NAME
