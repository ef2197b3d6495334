"""Region lookups on the shipped Kemendagri 2025 list."""

from __future__ import annotations

import json

from caseworker.domain import regions
from caseworker.paths import resource


def test_sidoarjo_names() -> None:
    assert regions.region_name("35") == "Jawa Timur"
    assert regions.region_name("35.15") == "Kabupaten Sidoarjo"
    assert regions.region_name("35.15.08") == "Sidoarjo"
    assert regions.region_name("3515") == "Kabupaten Sidoarjo"
    assert regions.region_name("35.15.99") is None
    assert regions.region_name("abc") is None
    assert regions.region_name(None) is None


def test_normalize_code() -> None:
    assert regions.normalize_code("351508") == "35.15.08"
    assert regions.normalize_code("3515081012") == "35.15.08.1012"
    assert regions.normalize_code(" 35.15 ") == "35.15"
    for bad in ("3", "35151", "35.1", "35.15.08.10", "35.15.08.1012.1", "35-15", ""):
        assert regions.normalize_code(bad) is None, bad


def test_is_kecamatan() -> None:
    assert regions.is_kecamatan("35.15.08")
    assert regions.is_kecamatan("351508")
    assert not regions.is_kecamatan("35.15")  # a kabupaten
    assert not regions.is_kecamatan("35.15.08.1012")  # a desa
    assert not regions.is_kecamatan("351599")


def test_region_path_from_province_down() -> None:
    assert regions.region_path("35.15.08.1012") == [
        ("35", "Jawa Timur"),
        ("35.15", "Kabupaten Sidoarjo"),
        ("35.15.08", "Sidoarjo"),
        ("35.15.08.1012", "Lemahputro"),
    ]
    assert regions.region_path("351508") == regions.region_path("35.15.08")
    assert regions.region_path("xx") == []
    assert regions.region_label("35.15.08") == "Sidoarjo, Kabupaten Sidoarjo, Jawa Timur"


def test_children() -> None:
    provinces = regions.children()
    assert len(provinces) == 38
    assert ("35", "Jawa Timur") in provinces
    kecamatan = regions.children("35.15")
    assert len(kecamatan) == 18
    assert kecamatan[0] == ("35.15.01", "Tarik")
    assert ("35.15.08", "Sidoarjo") in kecamatan
    assert all(code.startswith("35.15.08.") for code, _ in regions.children("35.15.08"))
    assert regions.children("35.15.08.1012") == []
    assert regions.children("bad") == []


def test_search_by_name_prefers_larger_regions_and_prefix_matches() -> None:
    hits = regions.search_regions("sidoarjo", limit=3)
    assert hits[:2] == [("35.15", "Kabupaten Sidoarjo"), ("35.15.08", "Sidoarjo")]
    assert len(hits) == 3
    assert regions.search_regions("SIDOARJO", 2) == regions.search_regions("sidoarjo", 2)


def test_search_narrows_by_parent_names() -> None:
    assert regions.search_regions("lemahputro sidoarjo", 5) == [("35.15.08.1012", "Lemahputro")]


def test_search_by_code_prefix_and_empty_queries() -> None:
    hits = regions.search_regions("35.15.08", 3)
    assert hits[0] == ("35.15.08", "Sidoarjo")
    assert all(code.startswith("35.15.08") for code, _ in hits)
    assert regions.search_regions("", 5) == []
    assert regions.search_regions("sidoarjo", 0) == []
    assert regions.search_regions("zzzz-no-such-place", 5) == []


def test_old_kabupaten_codes_map_to_current_ones() -> None:
    assert regions.current_code("91.01.01") == "93.01.01"  # Merauke, Papua -> Papua Selatan
    assert regions.current_code("640401") == "65.01.01"  # Bulungan, Kaltim -> Kaltara
    assert regions.current_code("35.15.08") == "35.15.08"
    assert regions.current_code("35") == "35"
    assert regions.current_code("bad") is None


def test_every_old_code_mapping_points_at_the_region_it_names() -> None:
    data = json.loads(resource("reference", "region_code_changes.json").read_text(encoding="utf-8"))
    assert data["version"] and data["source"]
    for old, entry in data["kabupaten"].items():
        assert regions.region_name(old) is None, f"{old} still exists"
        assert regions.region_name(entry["current"]) == entry["name"], old


def test_table_shape() -> None:
    levels = [regions.level(code) for code in regions._names()]
    assert (levels.count(1), levels.count(2), levels.count(3), levels.count(4)) == (38, 514, 7285, 83762)


def test_search_offers_nearby_places_first() -> None:
    """Seen by hand: "candi" typed at a Sidoarjo unit listed Candipuro in Lampung before Candi, Sidoarjo."""
    far = regions.search_regions("candi", 15)
    near = regions.search_regions("candi", 15, near=["35.15"])
    assert near[0][1] == "Candi" and near[0][0].startswith("35.15.")  # the kecamatan Candi, Sidoarjo
    assert {c for c, _ in near[:5]} != {c for c, _ in far[:5]}
    in_sidoarjo = [c for c, _ in near if c.startswith("35.15.")]
    assert near[: len(in_sidoarjo)] == [(c, regions.region_name(c)) for c in in_sidoarjo]  # all of them first
    # a start of the name still beats a nearby name that only contains the text
    assert all(name.lower().startswith("candi") or " candi" in name.lower() for _, name in near[:10])


def test_a_nik_names_where_it_was_issued() -> None:
    assert regions.nik_places("3515125203240003") == ["35.15.12", "35.15"]  # Balongbendo, Sidoarjo
    assert regions.nik_places("3515 12") == ["35.15.12", "35.15"]
    assert regions.nik_places("35") == [] and regions.nik_places(None) == []
    assert regions.nik_places("9999995203240003") == []


def test_home_places_are_where_most_clients_live(store) -> None:  # noqa: ANN001
    from caseworker.store import cases, queries

    assert queries.home_places(store) == []
    for name, region in [("Ani", "35.15.07.2012"), ("Budi", "35.15.08.1012"), ("Citra", "35.78.01")]:
        cases.register_person(store, {"name": name, "region_code": region})
    assert queries.home_places(store) == ["35.15", "35"]
