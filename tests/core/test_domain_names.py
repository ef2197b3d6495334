"""Name keys and similarity for the duplicate warning.

The threshold (names.SIMILAR_THRESHOLD = 0.85, word by word 0.8, exact for 5 letters or fewer) is
set by the two lists below: every spelling variant of one name must be similar, every pair of
clearly different names must not. One-letter differences in longer names (Rizki/Rifki,
Hidayah/Hidayat) are flagged on purpose: they cannot be told apart from a typo, and the warning
only asks a person to look.
"""

from __future__ import annotations

import pytest

from caseworker.domain.names import SIMILAR_THRESHOLD, name_key, name_similarity, similar_names

SAME_NAME = [
    ("Muhammad Rizki", "Mohamad Rizky"),
    ("Mohammad Yusuf", "Moch. Yusuf"),
    ("Muhammad Yusuf", "Moh. Yusuf"),
    ("Muh. Yusuf", "M. Yusuf"),
    ("Mochammad Arif", "Muhamad Arif"),
    ("Siti Aminah", "Sitti Aminah"),
    ("Soekarno", "Sukarno"),
    ("Bambang Soesilo", "Bambang Susilo"),
    ("Djoko Santoso", "Joko Santoso"),
    ("Tjahjono", "Cahyono"),
    ("Sri Wahjuni", "Sri Wahyuni"),
    ("Chairul Anam", "Khairul Anam"),
    ("Achmad Fauzi", "Ahmad Fauzi"),
    ("Rachmawati", "Rahmawati"),
    ("Ramadhan", "Ramadan"),
    ("Nur Hayati", "Nurhayati"),
    ("Abdul Rahman", "Abdurrahman"),
    ("Abd. Rahman", "Abdul Rahman"),
    ("Fitriyani", "Fitriani"),
    ("Hendry Gunawan", "Hendri Gunawan"),
    ("Hj. Siti Aminah", "Siti Aminah"),
    ("Siti Aminah, S.Pd.", "SITI AMINAH"),
    ("Aminah Siti", "Siti Aminah"),
    ("Yosé Rizal", "Jose Rizal"),
    ("Rahmawati", "Rahmawti"),  # a typo
]

DIFFERENT_NAMES = [
    ("Agus", "Bagus"),
    ("Rina", "Rini"),
    ("Budi Santoso", "Budi Susanto"),
    ("Siti Aminah", "Siti Aisyah"),
    ("Ahmad Fauzi", "Ahmad Fauzan"),
    ("Sri Wahyuni", "Sri Rahayu"),
    ("Siti Fatimah", "Siti Fatmawati"),
    ("Dimas Pratama", "Dimas Saputra"),
    ("Joko Widodo", "Joko Waluyo"),
    ("Dewi Lestari", "Dewi Puspita"),
    ("Andi", "Budi"),
    ("Putri", "Putra"),
    ("Yusuf", "Yunus"),
    ("Muhammad Rizki", "Muhammad Iqbal"),
]


def test_keys_fold_spelling_variants() -> None:
    assert name_key("  MOCH.  Rizky ") == "muhamad rizki"
    assert name_key("Muhammad") == "muhamad"
    assert name_key("M.") == "m"  # a lone initial is not expanded
    assert name_key("Soekarno") == name_key("Sukarno") == "sukarno"
    assert name_key("Djoko") == name_key("Joko")
    assert name_key("Tjitra") == name_key("Citra") == "citra"
    assert name_key("Ma'ruf Amin") == "maruf amin"
    assert name_key("Zoë Ángela") == name_key("Zoe Angela")
    assert name_key("Ángela") == "angela"
    assert name_key("Anna-Maria") == "ana maria"
    assert name_key("") == name_key(None) == ""


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_spelling_variants_are_similar(a: str, b: str) -> None:
    assert similar_names(a, b), (a, b, name_similarity(a, b))
    assert similar_names(b, a)
    assert name_similarity(a, b) >= SIMILAR_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_different_names_are_not_similar(a: str, b: str) -> None:
    assert not similar_names(a, b), (a, b, name_similarity(a, b))
    assert not similar_names(b, a)


def test_one_letter_differences_in_long_names_are_flagged_as_possible_typos() -> None:
    assert similar_names("Nur Hidayah", "Nur Hidayat")
    assert similar_names("Eko Prasetyo", "Eko Prasetya")


def test_similarity_range() -> None:
    assert name_similarity("Siti", "Siti") == 1.0
    assert name_similarity("", "Siti") == 0.0
    assert 0.0 < name_similarity("Budi", "Bagus") < 0.5
    assert not similar_names("", "")
    assert not similar_names(None, "Budi")


def test_similar_among_gives_the_verdicts_of_similar_keys() -> None:
    """names.similar_among (rapidfuzz screening many candidates at once) finds exactly those that
    similar_keys finds similar, over demo names, their respellings and typos, and names near the threshold."""
    import random

    from caseworker.demo import names as demo_names
    from caseworker.domain.names import similar_among, similar_keys

    rng = random.Random(11)
    pool = [
        name_key(demo_names.person_name(rng, rng.choice("LP"), rng.randint(1940, 2025))) for _ in range(400)
    ]
    pool += [k[:i] + k[i + 1 :] for k in pool[:100] for i in (1, len(k) // 2)]  # letters left out
    pool += [" ".join(reversed(k.split())) for k in pool[:50]] + [k.replace(" ", "") for k in pool[:50]]
    pool += ["", "a", "agus", "bagus"]
    found = 0
    for key in rng.sample(pool, 150) + ["siti aminah", "nur hayati", ""]:
        others = rng.sample(pool, 200)
        expected = [i for i, other in enumerate(others) if similar_keys(key, other)]
        assert similar_among(key, others) == expected, key
        found += len(expected)
    assert found > 50
