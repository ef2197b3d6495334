"""What the wheel carries (pyproject.toml) and how caseworker.paths finds the resources: frozen, installed
from the wheel (the package caseworker_resources) and from the source tree. .ci/wheel-check builds and
installs the real wheel; these are the quick checks of the same rules."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseworker import paths

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def packages_on_disk(top: str) -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_every_package_on_disk_goes_into_the_wheel():
    listed = set(CONFIG["packages"])
    on_disk = packages_on_disk("caseworker") | packages_on_disk("ui")
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == {paths.RESOURCE_PACKAGE}


def test_the_resources_folder_is_the_resource_package_with_all_its_files():
    assert CONFIG["package-dir"] == {paths.RESOURCE_PACKAGE: "resources"}
    assert (ROOT / "resources" / "__init__.py").is_file()  # a regular package: files() gives a real folder
    assert CONFIG["package-data"][paths.RESOURCE_PACKAGE] == ["**/*"]
    assert CONFIG["include-package-data"] is False


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    paths._installed_resources.cache_clear()
    yield
    paths._installed_resources.cache_clear()
    sys.modules.pop(paths.RESOURCE_PACKAGE, None)


def test_from_the_source_tree_the_repository_folder_is_read(fresh_lookup: None):
    if paths._installed_resources() is not None:
        pytest.skip("an editable install maps caseworker_resources; checked below")
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.resource("reference", "wilayah_kemendagri_2025.csv").is_file()


def test_an_installed_resource_package_is_found_through_importlib(
    fresh_lookup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    installed = tmp_path / "site-packages" / paths.RESOURCE_PACKAGE
    (installed / "fonts").mkdir(parents=True)
    (installed / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(installed.parent))
    sys.modules.pop(paths.RESOURCE_PACKAGE, None)
    assert paths.resources_dir() == installed
    assert paths.resource("fonts", "DejaVuSans.ttf") == installed / "fonts" / "DejaVuSans.ttf"


def test_the_frozen_bundle_comes_first(fresh_lookup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"


def test_the_editable_install_and_the_source_tree_agree(fresh_lookup: None):
    """Whichever way it is found here (editable finder or the folder beside the package), it is this
    repository's resources/ folder."""
    assert paths.resources_dir().resolve() == (ROOT / "resources").resolve()


def test_the_web_pages_templates_and_style_go_into_the_wheel():
    """caseworker.server.web reads its templates and style sheet from the package (issue 20)."""
    from fnmatch import fnmatch

    globs = CONFIG["package-data"]["caseworker.server.web"]
    folder = ROOT / "caseworker" / "server" / "web"
    files = [p.relative_to(folder).as_posix() for sub in ("templates", "static") for p in (folder / sub).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]  # fmt: skip
    assert files and all(any(fnmatch(name, g) for g in globs) for name in files), files
