"""Realistic clients for the sync benchmarks: varied names, addresses and NIKs from the demo generators,
and an 800-character visit note each (short synthetic rows flatter compression and JSON alike).

The demo's note sentences come from a few dozen templates: 5,000 notes of them compress 10x, which real
notes never do. So a note here is a demo opening followed by prose drawn from a Zipf distribution over
the demo texts' words and 8,000 Indonesian-looking pseudo-words: it compresses like real prose (gzip
2.7x, zstd 3.1x, brotli 3.2x over 2,000 notes; natural-language text is 2.7-3.2x)."""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from caseworker.demo import names, places, texts
from caseworker.store import cases
from caseworker.store.store import Store

NOTE_CHARS = 800


PSEUDO_WORDS = 8000
_ONSETS = ("b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y", "ng", "ny", "", "",
           "kh", "sy")  # fmt: skip
_VOWELS = ("a", "a", "i", "u", "e", "o")
_CODAS = ("", "", "", "n", "ng", "r", "k", "t", "s", "h", "l", "m")


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[str], list[float]]:
    """Words by rank (the demo texts' 400 commonest, then pseudo-words) and their cumulative Zipf weights."""
    source = Path(texts.__file__).read_text("utf-8")
    words = Counter(w.lower() for w in re.findall(r"[A-Za-z]{2,}", source) if not w.isupper())
    rng = random.Random(3)

    def pseudo() -> str:
        syllables = rng.choice((2, 2, 3, 3, 4))
        return "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )

    vocabulary = [w for w, _ in words.most_common(400)] + [pseudo() for _ in range(PSEUDO_WORDS)]
    return vocabulary, list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))


def note(rng: random.Random, child: str, guardian: str, kecamatan: str) -> str:
    """NOTE_CHARS characters: an opening as the demo writes it, then prose that compresses like real text."""
    vocabulary, weights = _vocabulary()
    kind = rng.choice(("visit", "call", "meeting", "observation"))
    parts = [texts.fill(rng, texts.NOTE_OPENINGS[kind], n=child, w=guardian, kec=kecamatan)]
    while sum(len(p) + 1 for p in parts) < NOTE_CHARS:
        words = [
            vocabulary[bisect.bisect(weights, rng.random() * weights[-1])] for _ in range(rng.randint(6, 18))
        ]
        sentence = " ".join(words)
        parts.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(parts)[:NOTE_CHARS]


class Clients:
    """Writes clients into a profile the way a worker registers them: person, case and a note, each
    client one transaction (its own outbox entries and audit lines)."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.pool = places.PlacePool()
        self.numbers = places.NumberBook()

    def person(self) -> dict[str, str]:
        rng = self.rng
        sex = rng.choice("LP")
        born = date(2022, 1, 1) + timedelta(days=rng.randrange(1400))
        place = self.pool.pick(rng)
        guardian = names.person_name(rng, "P", 1990)
        return {
            "name": names.person_name(rng, sex, born.year),
            "sex": sex,
            "birth_date": born.isoformat(),
            "birthplace": rng.choice(places.BIRTHPLACES),
            "nik": self.numbers.nik(rng, place, born, sex),
            "address": places.address(rng, place),
            "region_code": place.desa_code,
            "phone": places.phone(rng),
            "guardian_name": guardian,
            "guardian_relation": "ibu kandung",
            "guardian_phone": places.phone(rng),
        }

    def add(self, store: Store, count: int) -> list[str]:
        """`count` new clients; returns their case ids."""
        made: list[str] = []
        for _ in range(count):
            values = self.person()
            with store.transaction():
                person = cases.register_person(store, values).id
                case_id = cases.open_case(store, person, "01")
                cases.add_note(
                    store, case_id, note(self.rng, values["name"], values["guardian_name"], "Sidoarjo")
                )
            made.append(case_id)
        return made
