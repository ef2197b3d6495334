"""Where demo people live and the numbers that come with it: desa codes from the region table, street
addresses, NIK and KK numbers consistent with birth date, sex and kecamatan, and 08xx phone numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from caseworker.domain import regions

# Kabupaten/kota served by a Sidoarjo UPT and how often clients come from there (weights).
KABUPATEN_WEIGHTS = (
    ("35.15", 55),  # Kabupaten Sidoarjo
    ("35.78", 17),  # Kota Surabaya
    ("35.14", 7),  # Kabupaten Pasuruan
    ("35.75", 2),  # Kota Pasuruan
    ("35.16", 7),  # Kabupaten Mojokerto
    ("35.76", 2),  # Kota Mojokerto
    ("35.25", 4),  # Kabupaten Gresik
    ("35.26", 2),  # Kabupaten Bangkalan
    ("35.17", 2),  # Kabupaten Jombang
    ("35.07", 2),  # Kabupaten Malang
)
# Madurese families are more common in Surabaya, Bangkalan and Pasuruan.
MADURESE_SHARE = {"35.78": 0.3, "35.26": 0.95, "35.14": 0.35, "35.75": 0.3}

BIRTHPLACES = (
    "Sidoarjo", "Sidoarjo", "Sidoarjo", "Surabaya", "Surabaya", "Pasuruan", "Mojokerto", "Gresik", "Bangkalan",
    "Sampang", "Pamekasan", "Sumenep", "Jombang", "Malang", "Lamongan", "Probolinggo", "Kediri", "Jember",
)  # fmt: skip
STREETS = (
    "Jl. Raya {desa}", "Jl. KH. Mukmin", "Jl. Pahlawan", "Jl. Diponegoro", "Jl. Mawar", "Jl. Kenanga",
    "Jl. Melati", "Jl. Masjid", "Jl. Gajah Mada", "Jl. Sultan Agung", "Jl. Brawijaya", "Jl. Kartini",
    "Gg. Mushola", "Gg. Kelinci", "Jl. Jenggolo", "Jl. Lingkar Timur", "Jl. Raya Kletek", "Jl. Merpati",
)  # fmt: skip
HOUSING = ("Perum Taman Pinang Indah", "Perum Pondok Jati", "Perumahan Griya Permata", "Perum Citra Garden",
           "Perum Puri Surya Jaya", "Perum Magersari Permai", "Rusunawa")  # fmt: skip
DUSUN = ("Krajan", "Karanganyar", "Sumberejo", "Kedungrejo", "Ngelom", "Tambak Rejo", "Banjar", "Sukorejo",
         "Kauman", "Gempol", "Wonokoyo", "Kalijaten", "Tanggul", "Kebonsari")  # fmt: skip
PHONE_PREFIXES = ("0812", "0813", "0821", "0822", "0823", "0852", "0853", "0851", "0856", "0857", "0858",
                  "0877", "0878", "0819", "0859", "0838", "0831", "0895", "0896", "0881")  # fmt: skip


@dataclass(frozen=True)
class Place:
    desa_code: str  # 35.15.08.1004
    desa_name: str
    kecamatan_code: str  # 35.15.08
    kabupaten_code: str  # 35.15
    kecamatan_name: str

    @property
    def nik_prefix(self) -> str:
        return self.kecamatan_code.replace(".", "")


class PlacePool:
    """Desa-level places, drawn with the kabupaten weights above (one table scan, then list picks)."""

    def __init__(self) -> None:
        self.by_kabupaten: dict[str, list[Place]] = {}
        for kab, _ in KABUPATEN_WEIGHTS:
            places = []
            for kec, kec_name in regions.children(kab):
                for desa, desa_name in regions.children(kec):
                    places.append(Place(desa, desa_name.title(), kec, kab, kec_name.title()))
            self.by_kabupaten[kab] = places
        self._kabs = [k for k, _ in KABUPATEN_WEIGHTS]
        self._weights = [w for _, w in KABUPATEN_WEIGHTS]

    def pick(self, rng: random.Random) -> Place:
        kab = rng.choices(self._kabs, self._weights)[0]
        return rng.choice(self.by_kabupaten[kab])


def address(rng: random.Random, place: Place) -> str:
    """The street part of an address; the desa, kecamatan and kabupaten come from the region code."""
    rt, rw = rng.randint(1, 12), rng.randint(1, 8)
    style = rng.random()
    if style < 0.4:
        return f"Dusun {rng.choice(DUSUN)} RT {rt:03d} RW {rw:03d}"
    if style < 0.8:
        street = rng.choice(STREETS).format(desa=place.desa_name)
        lane = f" Gg. {rng.choice(('I', 'II', 'III', 'IV', 'V', 'VI'))}" if rng.random() < 0.3 else ""
        return f"{street}{lane} No. {rng.randint(1, 120)} RT {rt:02d} RW {rw:02d}"
    block = f"{rng.choice('ABCDEFGHJK')}{rng.choice(('', 'A', 'B', 'K'))}-{rng.randint(1, 40)}"
    return f"{rng.choice(HOUSING)} Blok {block} RT {rt:02d} RW {rw:02d}"


def phone(rng: random.Random) -> str:
    digits = rng.randint(7, 9)
    return rng.choice(PHONE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(digits))


class NumberBook:
    """NIK and KK numbers unique in the profile: a serial starts low and counts up past those in use,
    as Dukcapil hands them out per kecamatan and birth date."""

    def __init__(self, used: set[str] | None = None) -> None:
        self.used: set[str] = set(used or ())

    def _take(self, head: str, rng: random.Random, low: int, high: int) -> str:
        serial = rng.randint(low, high)
        while f"{head}{serial:04d}" in self.used:
            serial = serial + 1 if serial < 9999 else 1
        number = f"{head}{serial:04d}"
        self.used.add(number)
        return number

    def nik(self, rng: random.Random, place: Place, born: date, sex: str) -> str:
        day = born.day + (40 if sex == "P" else 0)
        return self._take(f"{place.nik_prefix}{day:02d}{born.month:02d}{born.year % 100:02d}", rng, 1, 60)

    def kk(self, rng: random.Random, place: Place, issued: date) -> str:
        return self._take(f"{place.nik_prefix}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}", rng,
                          1, 300)  # fmt: skip
