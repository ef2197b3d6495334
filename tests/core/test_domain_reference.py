"""PPKS categories and ATENSI components."""

from __future__ import annotations

from caseworker.domain import reference


def test_26_ppks_categories_with_codes_01_to_26() -> None:
    cats = reference.categories()
    assert [c["code"] for c in cats] == [f"{i:02d}" for i in range(1, 27)]
    assert reference.ppks_version()
    for c in cats:
        assert c["name_id"] and c["name_en"] and c["slug"] and c["short"]
    assert len({c["slug"] for c in cats}) == 26
    assert len({c["short"] for c in cats}) == 26


def test_category_lookups() -> None:
    assert reference.category_name("01", "id") == "Anak Balita Terlantar"
    assert reference.category_name("01", "en") == "Neglected children under five"
    assert reference.category_name("26", "id") == "Komunitas Adat Terpencil"
    assert reference.category_name("27") is None
    assert reference.is_category("24") and not reference.is_category("") and not reference.is_category(None)


def test_child_and_abh_flags() -> None:
    children = [c["code"] for c in reference.categories() if c["child"]]
    assert children == ["01", "02", "03", "04", "05", "06", "07"]
    assert [c["short"] for c in reference.categories() if c["abh"]] == ["ABH"]
    assert reference.is_abh_category("03") and not reference.is_abh_category("02")
    assert reference.is_child_category("01") and not reference.is_child_category("08")


def test_atensi_components() -> None:
    codes = [c["code"] for c in reference.atensi_components()]
    assert codes == [
        "kebutuhan_hidup_layak",
        "perawatan_pengasuhan",
        "dukungan_keluarga",
        "terapi",
        "vokasional_kewirausahaan",
        "bantuan_asistensi_sosial",
        "aksesibilitas",
    ]
    assert reference.atensi_version()
    assert reference.atensi_name("terapi", "en") == "Physical, psychosocial and mental-spiritual therapy"
    assert reference.atensi_name("aksesibilitas", "id") == "Dukungan aksesibilitas"
    assert reference.is_atensi_component("dukungan_keluarga")
    assert not reference.is_atensi_component("makan_siang")
    assert reference.atensi_name("x") is None
