"""A TCP relay on 127.0.0.1 that behaves like a slow, lossy link: the sync benchmarks put it between the
laptop's transport and the server process on loopback.

Per direction the link has `bandwidth_bps` (bits per second: 1 Mbit/s moves 125,000 bytes/s each way) and
half the round trip as one-way delay. The delay is pipelined, as on a real link: each chunk starts on the
wire when it arrives and the wire is free, takes len/bandwidth to cross, and reaches the far side rtt/2
later, so latency delays data without dividing throughput. The bandwidth is shared by all connections in
the same direction; a new connection first pays one round trip (the TCP handshake). `cut_every_bytes`
drops a connection (both sockets, abruptly) after that many bytes forwarded in total, both directions,
since the previous cut: what a link that keeps losing coverage does to a long transfer.

Not modelled: TCP slow start, packet loss with retransmission, TCP/IP header bytes (the counters are
payload bytes). Python stdlib only; the threads share the benchmark's GIL, so `late_max` reports how late
the worst delivery was against its schedule (a few ms is noise; more means the figures are pessimistic).

    python benchmarks/link_relay.py    # self-check: 1 MB at 1 Mbit/s ~ 8 s, an echo round trip ~ rtt
"""

from __future__ import annotations

import collections
import contextlib
import queue
import socket
import struct
import threading
import time

CHUNK = 16 * 1024  # read size: small enough that a cut lands near its byte count and delivery is smooth
_EOF = b""  # queued after a direction's last byte: the writer passes the half-close on


class _Wire:
    """One direction of the link: when it is free again (shared by every connection)."""

    def __init__(self, bytes_per_second: float, delay: float) -> None:
        self.bytes_per_second = bytes_per_second
        self.delay = delay
        self.free_at = 0.0
        self.lock = threading.Lock()

    def schedule(self, arrived: float, size: int) -> float:
        """When a chunk that reached the relay at `arrived` reaches the far side."""
        with self.lock:
            start = max(arrived, self.free_at)
            self.free_at = start + size / self.bytes_per_second
            return self.free_at + self.delay


class _Connection:
    def __init__(self, relay: Relay, client: socket.socket, server: socket.socket) -> None:
        self.relay = relay
        self.sockets = (client, server)
        self.ready_at = time.monotonic() + relay.rtt  # SYN, SYN-ACK: nothing crosses before
        self.closed = threading.Event()
        self.open_directions = 2
        self.lock = threading.Lock()

    def start(self) -> None:
        client, server = self.sockets
        for src, dst, wire, counter in (
            (client, server, self.relay.up, "up_bytes"),
            (server, client, self.relay.down, "down_bytes"),
        ):
            chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
            threading.Thread(target=self._read, args=(src, chunks), daemon=True).start()
            threading.Thread(target=self._write, args=(dst, chunks, wire, counter), daemon=True).start()

    def _read(self, src: socket.socket, chunks: queue.Queue[tuple[float, bytes]]) -> None:
        # Reads as fast as the sender writes and timestamps each chunk; the writer holds it back. The
        # relay thus buffers what a real link would keep in the sender's socket: same arrival times.
        data = b"?"
        while data and not self.closed.is_set():
            try:
                data = src.recv(CHUNK)
            except OSError:
                data = _EOF
            chunks.put((max(time.monotonic(), self.ready_at), data))
        if data:
            chunks.put((0.0, _EOF))  # closed meanwhile: let the writer finish too

    def _write(
        self, dst: socket.socket, chunks: queue.Queue[tuple[float, bytes]], wire: _Wire, counter: str
    ) -> None:
        relay = self.relay
        while not self.closed.is_set():
            arrived, data = chunks.get()
            if not data:
                if not self.closed.is_set():
                    with contextlib.suppress(OSError):
                        dst.shutdown(socket.SHUT_WR)
                break
            due = wire.schedule(arrived, len(data))
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            relay.note_lateness(time.monotonic() - due)
            cut = False
            if relay.cut_every_bytes:
                with relay.lock:
                    room = relay.cut_every_bytes - relay.since_cut
                    if len(data) >= room:  # this chunk reaches the cut: only its first `room` bytes pass
                        data, cut = data[:room], True
                        relay.since_cut, relay.cuts = 0, relay.cuts + 1
                    else:
                        relay.since_cut += len(data)
            with relay.lock:  # counted before it leaves: whoever reads the counters sees it
                setattr(relay, counter, getattr(relay, counter) + len(data))
            try:
                dst.sendall(data)
            except OSError:
                break
            if cut:
                self.cut()
                return
        with self.lock:
            self.open_directions -= 1
            done = self.open_directions == 0
        if done:
            self.close()

    def cut(self) -> None:
        # SO_LINGER 0 makes close() reset the connection (RST) instead of a graceful FIN; shutdown first
        # wakes the threads blocked in recv on these sockets.
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        self.closed.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.relay.forget(self)


class Relay:
    """`Relay(host, port, bandwidth_bps, rtt_seconds, cut_every_bytes=None)`; `.url` once started."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        bandwidth_bps: float,
        rtt_seconds: float,
        cut_every_bytes: int | None = None,
    ) -> None:
        self.target = (target_host, target_port)
        self.rtt = rtt_seconds
        self.up = _Wire(bandwidth_bps / 8, rtt_seconds / 2)
        self.down = _Wire(bandwidth_bps / 8, rtt_seconds / 2)
        self.cut_every_bytes = cut_every_bytes
        self.lock = threading.Lock()
        self.live: set[_Connection] = set()
        self.listener: socket.socket | None = None
        self.stopped = threading.Event()
        self.reset_counters()

    def reset_counters(self) -> None:
        with self.lock:
            self.up_bytes = 0  # client -> server, forwarded
            self.down_bytes = 0  # server -> client, forwarded
            self.connections = 0
            self.cuts = 0
            self.since_cut = 0
            self.late_max = 0.0

    @property
    def url(self) -> str:
        assert self.listener is not None, "start() the relay first"
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def start(self) -> Relay:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)  # accept() wakes up to notice stop()
        threading.Thread(target=self._accept, daemon=True, name="relay-accept").start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        if self.listener is not None:
            self.listener.close()
        for conn in list(self.live):
            conn.close()

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        assert self.listener is not None
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for sock in (client, server):  # the relay itself must not hold small writes back (Nagle)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(self, client, server)
            with self.lock:
                self.connections += 1
                self.live.add(conn)
            conn.start()

    def forget(self, conn: _Connection) -> None:
        with self.lock:
            self.live.discard(conn)

    def note_lateness(self, late: float) -> None:
        if late > self.late_max:
            self.late_max = late


def _self_check() -> None:
    """Echo server behind a 1 Mbit/s, 300 ms relay: 1 MB takes ~8 s one way; a small echo ~ one rtt."""
    echo = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = echo.accept()
            except OSError:
                return
            threading.Thread(target=pump, args=(conn,), daemon=True).start()

    def pump(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(CHUNK):
                conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    with Relay("127.0.0.1", echo.getsockname()[1], 1_000_000, 0.3) as relay:
        port = int(relay.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            start = time.monotonic()
            sock.sendall(b"x")
            sock.recv(1)
            print(
                f"first echo on a new connection: {time.monotonic() - start:.3f} s (expect ~0.6: handshake + rtt)"
            )
            times = []
            for _ in range(5):
                start = time.monotonic()
                sock.sendall(b"ping")
                got = b""
                while len(got) < 4:
                    got += sock.recv(4)
                times.append(time.monotonic() - start)
            print(f"echo round trips: {', '.join(f'{t:.3f}' for t in times)} s (expect ~0.300)")
            payload = b"y" * 1_000_000
            received = collections.deque()
            start = time.monotonic()

            def drain() -> None:
                total = 0
                while total < len(payload):
                    data = sock.recv(65536)
                    total += len(data)
                received.append(time.monotonic() - start)

            reader = threading.Thread(target=drain)
            reader.start()
            sock.sendall(payload)
            reader.join()
            # Up and down run at the same time (the echo turns each chunk around): ~8 s + one rtt.
            print(f"1,000,000 bytes there and back: {received[0]:.2f} s (expect ~8.3), late_max "
                  f"{relay.late_max * 1000:.1f} ms")  # fmt: skip
        with Relay("127.0.0.1", echo.getsockname()[1], 8_000_000, 0.01, cut_every_bytes=200_000) as cutting:
            port = int(cutting.url.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port)) as sock:
                got = 0
                try:
                    sock.sendall(b"z" * 300_000)
                    while data := sock.recv(65536):
                        got += len(data)
                except OSError as exc:
                    print(f"cut: {type(exc).__name__} after {got:,} bytes echoed", end="")
                else:
                    print(f"cut: connection closed after {got:,} bytes echoed", end="")
            print(f" (up {cutting.up_bytes:,} + down {cutting.down_bytes:,} = 200,000 expected), "
                  f"cuts {cutting.cuts}")  # fmt: skip
    echo.close()


if __name__ == "__main__":
    _self_check()
