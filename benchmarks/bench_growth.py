"""Time to compute WHO z-scores for 100,000 random measurements (target: <= 2 s on 2 cores).

Run: .venv/bin/python benchmarks/bench_growth.py [count]
Each measurement has weight, length (lying or standing), head circumference and a random age, so all
five indicators are computed, in one process (plain Python, so one core; the second core stays free
for the UI). Table loading is timed separately: it happens once per process.
"""

from __future__ import annotations

import random
import sys
import time

from caseworker.growth import INDICATORS, compute
from caseworker.growth.tables import MAX_AGE_DAYS, age_table, length_table

Case = tuple[str, int, float, float, str, float]


def make_cases(count: int, seed: int = 2020) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        age = rng.randint(0, MAX_AGE_DAYS)
        months = age / 30.4375
        length = max(46.0, 50 + 1.6 * months - 0.012 * months * months + rng.gauss(0, 4))
        weight = max(1.0, 3.3 + 0.2 * months + rng.gauss(0, 1.2))
        head = 34 + 5 * months**0.35 + rng.gauss(0, 1.5)
        position = rng.choice(("lying", "standing"))
        sex = rng.choice(("male", "female"))
        cases.append((sex, age, round(weight, 1), round(length, 1), position, round(head, 1)))
    return cases


def score(cases: list[Case]) -> int:
    """Number of defined z-scores (5 per measurement at most)."""
    defined = 0
    for sex, age, weight, length, position, head in cases:
        defined += len(INDICATORS) - len(compute(sex, age, weight, length, position, head).reasons)
    return defined


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cases = make_cases(count)

    started = time.perf_counter()
    for name in ("waz", "haz", "baz", "hcz"):
        age_table(name)
    for name in ("wfl", "wfh"):
        length_table(name)
    loaded = time.perf_counter()
    defined = score(cases)
    one = time.perf_counter() - loaded

    print(f"tables loaded once:         {loaded - started:.3f} s")
    print(f"{count:,} measurements, 1 process: {one:.3f} s ({one / count * 1e6:.1f} us each)")
    print(f"z-scores defined:           {defined:,} of {count * 5:,}")
    print("target:                     <= 2.000 s for 100,000 on 2 cores")


if __name__ == "__main__":
    main()
