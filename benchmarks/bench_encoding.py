"""Which HTTP coding for sync bodies: gzip, zstd and brotli on a real pull page and a real push body.

A worker registers `--clients` realistic clients (benchmarks.realistic: person, case, 800-character note)
and syncs to the real server on loopback; the push body of her first batch and the supervisor's first pull
page (raw bytes, uncompressed) are then compressed at several levels. Prints size per client and the time
to compress and decompress. brotli is measured when the `brotli` package is installed (not a dependency).

    .venv/bin/python benchmarks/bench_encoding.py [--clients 1000]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import PASSWORD, database_url, login, running_server, setup  # noqa: E402
from benchmarks.realistic import Clients  # noqa: E402
from caseworker.store import syncstate  # noqa: E402
from caseworker.store.schema import DATA_VERSION  # noqa: E402
from caseworker.sync import protocol as p  # noqa: E402
from caseworker.sync.engine import _Run, sync  # noqa: E402
from caseworker.sync.enrol import enrol  # noqa: E402

Codec = tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes]]


def codecs() -> list[Codec]:
    found: list[Codec] = []
    for level in (6, 9):
        found.append((f"gzip {level}", lambda b, lv=level: gzip.compress(b, lv), gzip.decompress))
    for level in (3, 6, 9, 19):
        found.append(
            (f"zstd {level}", lambda b, lv=level: zstandard.ZstdCompressor(level=lv).compress(b),
             zstandard.ZstdDecompressor().decompress)
        )  # fmt: skip
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        print("(brotli not installed: pip install brotli to measure it)")
        return found
    for quality in (4, 5, 7, 11):
        found.append(
            (f"brotli {quality}", lambda b, q=quality: brotli.compress(b, quality=q), brotli.decompress)
        )
    return found


def samples(clients: int) -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        setup(url)
        with running_server(url) as base:
            store, transport = enrol(Path(tmp) / "ani", base, "ani", PASSWORD)
            Clients().add(store, clients)
            batch = syncstate.outbox_batch(store, p.MAX_PUSH_BATCH, 10**12, "ani")
            mutations = _Run(store, transport, None, None, time.time, p.MAX_PULL_LIMIT).mutations(batch)
            push = p.PushRequest(device_id=store.device_id, protocol_version=p.PROTOCOL_VERSION,
                                 schema_version=DATA_VERSION, mutations=mutations)  # fmt: skip
            sync(store, transport)
            store.close()
            with httpx.Client(base_url=base, headers={"Accept-Encoding": "identity"}) as http:
                headers = login(http, "sri", "bench-encoding")
                page = http.get("/sync/pull", params={"since": 0, "limit": p.MAX_PULL_LIMIT}, headers=headers)
                page.raise_for_status()
    return push.model_dump_json().encode(), page.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    push, page = samples(args.clients)
    push_clients = min(args.clients, p.MAX_PUSH_BATCH // 3)
    measured = codecs()
    for name, data, per in (("pull page", page, args.clients), ("push body", push, push_clients)):
        print(f"{name}: {len(data):,} bytes of JSON, {len(data) / per:,.0f} B per client")
        for label, pack, unpack in measured:
            start = time.perf_counter()
            packed = pack(data)
            packing = time.perf_counter() - start
            start = time.perf_counter()
            assert unpack(packed) == data
            unpacking = time.perf_counter() - start
            print(f"  {label:10s} {len(packed) / per:6,.0f} B/client  ratio {len(data) / len(packed):5.2f}  "
                  f"compress {packing * 1000:5.0f} ms  decompress {unpacking * 1000:4.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
