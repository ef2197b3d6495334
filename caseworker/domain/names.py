"""Person names for the duplicate check: one key per spelling, and a similarity score.

Indonesian names are written in many ways for the same person: the old (pre-1972, Van Ophuijsen)
spelling is still on many documents (Soekarno/Sukarno, Djoko/Joko, Tjahjo/Cahyo), Arabic names have
several transliterations (Muhammad/Mohammad/Moch., Achmad/Ahmad, Ramadhan/Ramadan) and letters are
doubled or not (Sitti/Siti). `name_key` folds these so the same name compares equal.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

# Abbreviations and spellings of Muhammad, anywhere in the name ("M." only as the first word,
# where it is the usual short form; elsewhere it may stand for anything).
_MUHAMMAD = {
    "muhammad", "muhamad", "muhammed", "mohammad", "mohamad", "mohammed", "mohamed", "mochammad",
    "mochamad", "mokhammad", "mukhammad", "muchammad", "muchamad", "moch", "moh", "muh", "mhd", "mhmd",
}  # fmt: skip
_WORD_ALIASES = {"sitti": "siti", "st": "siti", "abd": "abdul"}
# Honorifics and titles in front of a name; academic degrees after a comma are dropped too.
_TITLES = {
    "h",
    "hj",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "ust",
    "ustadz",
    "ustazah",
    "kh",
    "ny",
    "tn",
    "sdr",
    "sdri",
}
# Spelling folds, applied in this order to each word (old spelling, transliteration variants).
_FOLDS = (
    ("oe", "u"),  # Soekarno -> Sukarno
    ("dj", "j"),  # Djoko -> Joko
    ("tj", "c"),  # Tjahjono -> Cahjono
    ("ch", "kh"),  # Chairul -> Khairul
    ("kh", "h"),  # Khairul / Hairul, Akhmad / Ahmad
    ("dh", "d"),  # Ramadhan -> Ramadan
    ("th", "t"),  # Fathur -> Fatur
    ("ph", "f"),  # Stephani -> Stefani
    # Old "j" is today's "y" (Tjahjono/Cahyono, Wahjuni/Wahyuni, Njoman/Nyoman) and old "dj" today's
    # "j", so after the dj fold above j and y are one letter (Jaya and Yaya would meet: acceptable
    # for a warning that a person reads).
    ("j", "y"),
)
_DOUBLES = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z ]+")

# Keys at least this similar are reported as a possible duplicate (see tests for the pairs it
# separates): one typo in a name of 7+ letters stays above it, a different word falls below.
# Names of the same number of words must also match word by word (WORD_THRESHOLD), so that
# Ahmad Fauzi / Ahmad Fauzan differ. Short names (5 letters or fewer) must match exactly:
# Agus/Bagus, Rina/Rini are different names.
SIMILAR_THRESHOLD = 0.85
WORD_THRESHOLD = 0.8
SHORT_NAME = 5


def _fold_word(word: str) -> str:
    for old, new in _FOLDS:
        word = word.replace(old, new)
    word = _DOUBLES.sub(r"\1", word)
    if len(word) > 2 and word.endswith("y"):
        word = word[:-1] + "i"  # Hendry -> Hendri, Rizky -> Rizki
    return word


@lru_cache(maxsize=8192)  # names repeat (search indexing of many cases, duplicate checks)
def name_key(name: str | None) -> str:
    """A lower-case, accent-free, spelling-folded form of a name; words separated by one space."""
    if not name:
        return ""
    text = name.split(",", 1)[0]  # "Siti Aminah, S.Pd." -> drop degrees
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("`", "")  # Ma'ruf -> maruf
    words = _NOT_LETTER.sub(" ", text).split()
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    out = []
    for i, word in enumerate(words):
        if word in _MUHAMMAD or (word == "m" and i == 0 and len(words) > 1):
            word = "muhammad"
        word = _WORD_ALIASES.get(word, word)
        out.append(_fold_word(word))
    return " ".join(out)


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def name_similarity(a: str | None, b: str | None) -> float:
    """0..1 on the keys: the best of the keys as written, with spaces removed (Nur Hayati /
    Nurhayati) and with words sorted (Aminah Siti / Siti Aminah)."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    joined_a, joined_b = key_a.replace(" ", ""), key_b.replace(" ", "")
    if joined_a == joined_b:
        return 1.0
    sorted_a, sorted_b = " ".join(sorted(key_a.split())), " ".join(sorted(key_b.split()))
    return max(_ratio(key_a, key_b), _ratio(joined_a, joined_b), _ratio(sorted_a, sorted_b))


def similar_names(a: str | None, b: str | None) -> bool:
    """True when two names are probably the same person's (for the duplicate warning)."""
    key_a, key_b = name_key(a).replace(" ", ""), name_key(b).replace(" ", "")
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    if min(len(key_a), len(key_b)) <= SHORT_NAME:
        return False
    if name_similarity(a, b) < SIMILAR_THRESHOLD:
        return False
    words_a, words_b = name_key(a).split(), name_key(b).split()
    if len(words_a) != len(words_b):
        return True  # Abdul Rahman / Abdurrahman: no word-by-word alignment to check
    return any(
        all(_ratio(x, y) >= WORD_THRESHOLD for x, y in zip(left, right, strict=True))
        for left, right in ((words_a, words_b), (sorted(words_a), sorted(words_b)))
    )
