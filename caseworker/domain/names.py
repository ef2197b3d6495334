"""Person names for the duplicate check: one key per spelling, and a similarity score.

Indonesian names are written in many ways for the same person: the old (pre-1972, Van Ophuijsen)
spelling is still on many documents (Soekarno/Sukarno, Djoko/Joko, Tjahjo/Cahyo), Arabic names have
several transliterations (Muhammad/Mohammad/Moch., Achmad/Ahmad, Ramadhan/Ramadan) and letters are
doubled or not (Sitti/Siti). `name_key` folds these so the same name compares equal.

Similarity is the Indel ratio of rapidfuzz (2 x longest common subsequence / total length: what
difflib's ratio approximates, never below it), and `block_keys` gives the few keys under which a
name is filed so that the duplicate check compares a new name only with names sharing a key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel

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


_ratio = Indel.normalized_similarity  # (a, b) -> 0..1


def name_similarity(a: str | None, b: str | None) -> float:
    """0..1 on the keys: the best of the keys as written, with spaces removed (Nur Hayati /
    Nurhayati) and with words sorted (Aminah Siti / Siti Aminah)."""
    return key_similarity(name_key(a), name_key(b))


def key_similarity(key_a: str, key_b: str) -> float:
    """`name_similarity` of two names given by their keys (`name_key`)."""
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
    return similar_keys(name_key(a), name_key(b))


def similar_keys(key_a: str, key_b: str) -> bool:
    """`similar_names` of two names given by their keys (`name_key`): what the duplicate check compares
    with the keys person_keys holds, without reading the persons."""
    joined_a, joined_b = key_a.replace(" ", ""), key_b.replace(" ", "")
    if not joined_a or not joined_b:
        return False
    if joined_a == joined_b:
        return True
    if min(len(joined_a), len(joined_b)) <= SHORT_NAME:
        return False
    if key_similarity(key_a, key_b) < SIMILAR_THRESHOLD:
        return False
    words_a, words_b = key_a.split(), key_b.split()
    if len(words_a) != len(words_b):
        return True  # Abdul Rahman / Abdurrahman: no word-by-word alignment to check
    return any(
        all(_ratio(x, y) >= WORD_THRESHOLD for x, y in zip(left, right, strict=True))
        for left, right in ((words_a, words_b), (sorted(words_a), sorted(words_b)))
    )


@lru_cache(maxsize=65536)  # the same candidates come back for many names
def _forms(key: str) -> tuple[str, str]:
    return key.replace(" ", ""), " ".join(sorted(key.split()))


# Kept a little below SIMILAR_THRESHOLD: rapidfuzz's cut-off may round otherwise than the plain ratio.
_SCREEN = SIMILAR_THRESHOLD - 0.01


def similar_among(key: str, others: list[str]) -> list[int]:
    """The positions in `others` (name keys) of those `similar_keys` finds similar to `key`, in order: the
    same verdicts, for many candidates at once. rapidfuzz screens them in C (a name is similar only if
    one of the three forms `key_similarity` compares reaches the threshold, or the names are equal
    without spaces), so `similar_keys` runs only on the few that pass."""
    if not key or not others:
        return []
    joined, ordered = _forms(key)
    forms = [_forms(other) for other in others]
    passed: set[int] = set()
    for query, choices in ((key, others), (joined, [f[0] for f in forms]), (ordered, [f[1] for f in forms])):
        passed.update(i for _, _, i in process.extract(query, choices, scorer=_ratio, score_cutoff=_SCREEN,
                                                        limit=None))  # fmt: skip
    return [i for i in sorted(passed) if similar_keys(key, others[i])]


# Words too common to narrow a search down (after name_key): a name is filed under its other words.
_COMMON_WORDS = frozenset(
    {"muhamad", "siti", "nur", "nurul", "abdul", "sri", "dwi", "tri", "al", "el", "mbok", "ahmad"}
)


@lru_cache(maxsize=8192)
def block_keys(name: str | None) -> tuple[str, ...]:
    """The keys a name is filed under for the duplicate check: two names that `similar_names` finds
    similar share at least one of them (in practice: see tests/core/test_duplicate_check.py).

    - `=` + the key without spaces: equal names (Nur Hayati / Nurhayati) and short names, which must
      match exactly;
    - `<` and `>` + the first and last three letters of each word: one edit in a word of six letters or
      more leaves one of them as it was (Rahmawati / Rahmawti / Rhamawati, Aminah Siti / Siti Aminah,
      Abdul Rahman / Abdurrahman), and so does a letter added to or left out of a word of five or six;
    - `^` + the first two and last two letters of a word of four to six: the edit in the middle that
      changes both of those (Rohmah / Romhah, Rizki / Riski), a letter added in the middle of a word of
      four or left out of the middle of a word of five;
    - `%` + the letters of a word of five, sorted: two letters swapped (Sinta / Sitna);
    - `~` + a word of three or four letters, and a word of four with one letter left out: one edit in a
      very short word.

    A word of five or six letters used to be filed under itself with each letter left out too (up to
    seven keys of its own); the `^` and `%` keys cover the same single edits with one or two (measured on
    100,000 demo persons and 20,000 register rows: the same pairs found, 7.3 keys a person instead of
    10.9). Very common words (Muhammad, Siti, Nur...) give no key of their own unless the name has nothing
    else: a block of every Muhammad born in a month would be most of the work. Changing the keys needs
    a migration that files everyone again (person_index.rebuild)."""
    key = name_key(name)
    if not key:
        return ()
    words = key.split()
    rare = [w for w in words if w not in _COMMON_WORDS] or words
    keys = {"=" + key.replace(" ", ""), ">" + words[-1][-3:]}
    for w in rare:
        size = len(w)
        keys.add("<" + w[:3])
        keys.add(">" + w[-3:])
        if 4 <= size <= 6:
            keys.add("^" + w[:2] + w[-2:])
        if size == 5:
            keys.add("%" + "".join(sorted(w)))
        if 3 <= size <= 4:
            keys.add("~" + w)
            if size == 4:
                keys.update("~" + w[:i] + w[i + 1 :] for i in range(size))
    return tuple(sorted(keys))
