"""Validating and scoring answers against the shipped forms."""

from __future__ import annotations

import json
from datetime import date

import pytest

from caseworker.forms import (
    answer_text,
    compute_scores,
    get_form,
    has_errors,
    normalize_answers,
    validate_answers,
    visible_field_ids,
)

BARTHEL_ITEMS = (
    "bab",
    "bak",
    "membersihkan_diri",
    "penggunaan_jamban",
    "makan",
    "berpindah",
    "mobilitas",
    "berpakaian",
    "naik_turun_tangga",
    "mandi",
)
BARTHEL_MAX = {"bab": 2, "bak": 2, "membersihkan_diri": 1, "penggunaan_jamban": 2, "makan": 2,
               "berpindah": 3, "mobilitas": 3, "berpakaian": 2, "naik_turun_tangga": 2, "mandi": 1}  # fmt: skip
KPSP_ITEMS = tuple(f"q24_{n:02d}" for n in range(1, 11))


def barthel_answers(total: int) -> dict[str, str]:
    """Answers summing to `total`: fill items up to their maximum in order."""
    answers, left = {"sumber_informasi": "observasi"}, total
    for item in BARTHEL_ITEMS:
        points = min(left, BARTHEL_MAX[item])
        answers[item] = str(points)
        left -= points
    assert left == 0
    return answers


def kpsp_answers(yes: int) -> dict[str, object]:
    answers: dict[str, object] = {
        "kelompok_umur": "24",
        "umur_bulan": 25,
        "informan": "Ibu Siti (ibu kandung)",
    }
    for n, item in enumerate(KPSP_ITEMS):
        answers[item] = "ya" if n < yes else "tidak"
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (20, "mandiri"),
        (19, "ketergantungan_ringan"),
        (12, "ketergantungan_ringan"),
        (11, "ketergantungan_sedang"),
        (9, "ketergantungan_sedang"),
        (8, "ketergantungan_berat"),
        (5, "ketergantungan_berat"),
        (4, "ketergantungan_total"),
        (0, "ketergantungan_total"),
    ],
)
def test_barthel_totals_and_bands_at_the_boundaries(total, band):
    form = get_form("barthel")
    answers = barthel_answers(total)
    assert validate_answers(form, answers) == []
    score = compute_scores(form, answers)["total"]
    assert score["value"] == total
    assert score["band"] == band
    assert score["complete"] is True
    assert score["label"]["id"].lower().replace(" ", "_") == band


def test_barthel_partial_answers_give_no_band():
    form = get_form("barthel")
    answers = barthel_answers(20)
    del answers["mandi"]
    score = compute_scores(form, answers)["total"]
    assert (score["value"], score["band"], score["label"], score["complete"]) == (19, None, None, False)
    assert (score["answered"], score["expected"]) == (9, 10)
    assert [(i.field, i.code) for i in validate_answers(form, answers)] == [("mandi", "required")]


@pytest.mark.parametrize(
    ("yes", "band"),
    [
        (10, "sesuai"),
        (9, "sesuai"),
        (8, "meragukan"),
        (7, "meragukan"),
        (6, "penyimpangan"),
        (0, "penyimpangan"),
    ],
)
def test_kpsp_bands(yes, band):
    form = get_form("kpsp")
    answers = kpsp_answers(yes)
    assert validate_answers(form, answers) == []
    score = compute_scores(form, answers)["jumlah_ya"]
    assert (score["value"], score["band"]) == (yes, band)


def test_kpsp_age_outside_the_group_is_only_a_warning():
    form = get_form("kpsp")
    answers = {**kpsp_answers(10), "umur_bulan": "31"}
    issues = validate_answers(form, answers)
    assert [(i.field, i.code, i.severity) for i in issues] == [("umur_bulan", "unusual_value", "warning")]
    assert not has_errors(issues)
    assert "24 sampai 29" in issues[0].text("id")
    answers["umur_bulan"] = 73
    assert [(i.field, i.code) for i in validate_answers(form, answers)] == [("umur_bulan", "above_max")]


def test_kpsp_questions_hidden_without_an_age_group():
    form = get_form("kpsp")
    shown = visible_field_ids(form, {})
    assert not shown & set(KPSP_ITEMS)
    codes = {(i.field, i.code) for i in validate_answers(form, {})}
    assert ("kelompok_umur", "required") in codes
    assert not any(field in KPSP_ITEMS for field, _ in codes)
    assert compute_scores(form, {})["jumlah_ya"]["value"] is None


def test_required_out_of_range_and_options_with_bilingual_messages():
    form = get_form("biopsikososial")
    answers = {
        "sumber_informasi": ["klien", "dukun"],
        "kondisi_kesehatan": "sehat sekali",
        "jumlah_tanggungan": "31",
        "penghasilan_bulanan": "satu juta",
    }
    issues = {i.field: i for i in validate_answers(form, answers)}
    assert issues["sumber_informasi"].code == "unknown_option"
    assert issues["sumber_informasi"].text("id") == "Sumber informasi: pilihan 'dukun' tidak dikenal."
    assert issues["kondisi_kesehatan"].code == "unknown_option"
    assert issues["jumlah_tanggungan"].code == "above_max"
    assert issues["jumlah_tanggungan"].text("en") == "Number of dependants must be at most 30."
    assert issues["penghasilan_bulanan"].code == "not_a_number"
    assert issues["masalah_utama"].code == "required"
    assert issues["masalah_utama"].text("id") == "Masalah utama wajib diisi."
    assert issues["masalah_utama"].text("en") == "Main problem is required."
    assert all(i.severity == "error" for i in issues.values())


def test_numbers_typed_the_indonesian_way():
    form = get_form("biopsikososial")
    clean = normalize_answers(form, {"penghasilan_bulanan": "1.500.000", "jumlah_tanggungan": " 4 "})
    assert clean == {"penghasilan_bulanan": 1500000, "jumlah_tanggungan": 4}
    issues = validate_answers(form, {"jumlah_tanggungan": "2,5"})
    assert ("jumlah_tanggungan", "not_an_integer") in {(i.field, i.code) for i in issues}
    issues = validate_answers(form, {"jumlah_tanggungan": True})
    assert ("jumlah_tanggungan", "not_a_number") in {(i.field, i.code) for i in issues}


def test_biopsikososial_risk_scores():
    form = get_form("biopsikososial")
    risks = {"risiko_kesehatan": "1", "risiko_menyakiti_diri": "2", "risiko_kekerasan": "0",
             "risiko_ekonomi": "1", "risiko_lingkungan": "0"}  # fmt: skip
    scores = compute_scores(form, risks)
    assert (scores["risiko_total"]["value"], scores["risiko_total"]["band"]) == (4, "sedang")
    assert (scores["risiko_tertinggi"]["value"], scores["risiko_tertinggi"]["band"]) == (2, "tindakan_segera")


def home_visit(**changes: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "tanggal_kunjungan": "2026-10-17",
        "tujuan_kunjungan": "pemantauan",
        "alamat": "Desa Sukodono RT 02/RW 03, Sidoarjo",
        "orang_ditemui": ["ibu", "rt_rw"],
        "nama_ditemui": "Bu Sulastri (ibu), Pak Karno (ketua RT)",
        "kelayakan_rumah": "kurang_layak",
        "situasi_keluarga": "Ibu bekerja sebagai buruh cuci; ayah merantau.",
        "temuan": "Anak tampak sehat dan diasuh nenek pada siang hari.",
        "ada_tanda_bahaya": False,
        "tindak_lanjut": "Ibu mendaftar PKH lewat pendamping desa bulan ini.",
    }
    answers.update(changes)
    return answers


def test_home_visit_dates_and_conditional_required_field():
    form = get_form("kunjungan_rumah")
    today = date(2026, 10, 20)
    assert validate_answers(form, home_visit(), today=today) == []

    future = validate_answers(form, home_visit(tanggal_kunjungan="2026-10-21"), today=today)
    assert [(i.field, i.code) for i in future] == [("tanggal_kunjungan", "date_in_future")]
    assert future[0].text("id") == "Tanggal kunjungan: tanggal tidak boleh di masa depan."

    bad = validate_answers(form, home_visit(tanggal_kunjungan="17/10/2026"), today=today)
    assert [(i.field, i.code) for i in bad] == [("tanggal_kunjungan", "bad_date")]
    bad = validate_answers(form, home_visit(tanggal_kunjungan="2026-02-30"), today=today)
    assert [(i.field, i.code) for i in bad] == [("tanggal_kunjungan", "bad_date")]

    danger = validate_answers(form, home_visit(ada_tanda_bahaya=True), today=today)
    assert [(i.field, i.code) for i in danger] == [("uraian_bahaya", "required")]
    other = validate_answers(form, home_visit(tujuan_kunjungan="lainnya"), today=today)
    assert [(i.field, i.code) for i in other] == [("tujuan_lainnya", "required")]


def test_hidden_answers_are_ignored_and_not_stored():
    form = get_form("kunjungan_rumah")
    answers = home_visit(uraian_bahaya="tidak relevan", ada_tanda_bahaya="ya")
    issues = validate_answers(form, answers, today=date(2026, 10, 20))
    # "ya" is not a boolean, so the dependent field stays hidden and is not required or stored
    assert [(i.field, i.code) for i in issues] == [("ada_tanda_bahaya", "not_boolean")]
    assert "uraian_bahaya" not in normalize_answers(form, answers, today=date(2026, 10, 20))


def test_unknown_answer_keys_are_warnings():
    form = get_form("barthel")
    issues = validate_answers(form, {**barthel_answers(20), "bab_lama": "2"})
    assert [(i.field, i.code, i.severity) for i in issues] == [("bab_lama", "unknown_field", "warning")]


def test_stored_answers_and_scores_are_json_and_readable():
    form = get_form("kunjungan_rumah")
    clean = normalize_answers(form, home_visit(), today=date(2026, 10, 20))
    assert json.loads(json.dumps(clean)) == clean
    assert answer_text(form.field("tanggal_kunjungan"), clean["tanggal_kunjungan"], "id") == "17/10/2026"
    assert answer_text(form.field("orang_ditemui"), clean["orang_ditemui"], "en") == (
        "Mother, Neighbourhood head (RT/RW)"
    )
    assert answer_text(form.field("ada_tanda_bahaya"), False, "id") == "Tidak"
    scores = compute_scores(get_form("barthel"), barthel_answers(15))
    assert json.loads(json.dumps(scores)) == scores
