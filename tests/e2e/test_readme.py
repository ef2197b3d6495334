"""Every ```bash block of README.md runs as written, in order, in one temporary working folder.

A block preceded by `<!-- readme-test: skip (why) -->` is not run (installs, the desktop window, the PyInstaller
build). The others run line by line through bash, as a reader would type them, against temporary HOME, XDG and
CASEWORKER_* folders and the in-memory keyring of tests/conftest.py; `export NAME=VALUE` lines carry over to
the following lines and blocks, as in one terminal. `caseworker-server serve` runs in the background (it must
print its address, then answer /health) and serves the blocks after it. The values a reader supplies are put in:
`PASSWORD=...` gets a password, the port 8765 a free port, the example case number the first case of the
profile the line names, and `klien.xlsx` / `klien.csv` (the unit's own register) are small files written here.
Every line must exit 0; a failure shows the block, the line and the command's stdout and stderr.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from caseworker.transfer.columns import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PASSWORD = "rahasia-123"
README_PORT = "8765"
EXAMPLE_CASE = "SDA-26-7F3K2Q9M"
MARKER = re.compile(r"<!--\s*readme-test:(?P<rest>.*?)-->")
SKIP = re.compile(r"\s*skip \((?P<why>.+)\)\s*")
BLOCK = re.compile(r"^(?:(?P<marker><!--\s*readme-test:.*?-->)\n)?```bash\n(?P<body>.*?)^```", re.M | re.S)

REGISTER = [  # nama, nik, no_kk, tanggal_lahir, jenis_kelamin, alamat, kode_wilayah, kategori_ppks, ...
    ["Siti Aminah", "3515084506200001", "3515080101200005", "05/06/2020", "P", "Jl. Mawar 1, Sidokare",
     "35.15.08.1004", "Anak Balita Terlantar", "15/01/2026", "Diserahkan oleh kepala desa."],
    ["Siti Rahayu", "", "", "12/02/2022", "P", "Jl. Melati 3, Sidoarjo", "", "Anak Balita Terlantar",
     "20/01/2026", ""],
    ["Budi Santoso", "", "", "03/11/2021", "L", "Dusun Krajan, Candi", "", "1", "", "Rujukan puskesmas."],
    ["Dewi Lestari", "", "", "2023-07-19", "P", "", "", "Anak Balita Terlantar", "", ""],
]  # fmt: skip
LAPTOP_REGISTER = [
    ["Rina Kartika", "", "", "08/08/2022", "P", "Jl. Kenanga 5, Buduran", "", "Anak Balita Terlantar", "", ""],
    ["Agus Salim", "", "", "21/04/2021", "L", "", "", "Anak Balita Terlantar", "02/02/2026", ""],
]  # fmt: skip


@dataclass
class Block:
    line: int  # in README.md
    body: str
    skip: str | None  # why it is not run


def readme_blocks(text: str) -> list[Block]:
    blocks = []
    for m in BLOCK.finditer(text):
        skip = None
        if m["marker"]:
            found = SKIP.fullmatch(MARKER.fullmatch(m["marker"])["rest"])  # type: ignore[index]
            assert found, f"README.md:{text.count(chr(10), 0, m.start()) + 1}: unknown marker {m['marker']}"
            skip = found["why"]
        blocks.append(Block(text.count("\n", 0, m.start("body")) + 1, m["body"], skip))
    return blocks


def test_every_marker_is_right_before_a_block():
    text = README.read_text("utf-8")
    markers = {m.start() for m in MARKER.finditer(text)}
    before_blocks = {m.start("marker") for m in BLOCK.finditer(text) if m["marker"]}
    assert markers == before_blocks, "a readme-test marker must be the line right before a ```bash block"
    blocks = readme_blocks(text)
    assert len([b for b in blocks if b.skip is None]) >= 3
    assert len([b for b in blocks if b.skip]) <= 5, "keep skipped blocks few"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_register(folder: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in REGISTER:
        ws.append(row)
    wb.save(folder / "klien.xlsx")
    lines = [",".join(COLUMNS)] + [",".join(f'"{v}"' for v in row) for row in LAPTOP_REGISTER]
    (folder / "klien.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Terminal:
    """One reader's terminal: its working folder, its exported variables, the server it started."""

    cwd: Path
    env: dict[str, str]
    port: str
    server: subprocess.Popen | None = None
    server_said: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)

    def fill_in(self, line: str) -> str:
        line = re.sub(r"\b(\w*PASSWORD)=\.\.\.", rf"\1={PASSWORD}", line)
        line = re.sub(rf"\b{README_PORT}\b", self.port, line)
        if EXAMPLE_CASE in line:
            line = line.replace(EXAMPLE_CASE, self._a_case_number(line))
        return line

    def _a_case_number(self, line: str) -> str:
        import json

        profile = re.search(r"--profile (\S+)", line)
        user = re.search(r"--user (\S+)", line)
        command = (
            "caseworker" + (f" --profile {profile[1]}" if profile else "") + " cases list --json --limit 1"
        )
        done = self.bash(command + (f" --user {user[1]}" if user else ""))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)[0]["case_number"]

    def bash(self, line: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)  # fmt: skip

    def run_block(self, block: Block) -> None:
        for number, written in enumerate(block.body.splitlines()):
            line = self.fill_in(written)
            words = shlex.split(line, comments=True)
            if not words:
                continue
            self.ran.append(written)
            if words[0] == "export":
                for word in words[1:]:
                    name, _, value = word.partition("=")
                    self.env[name] = os.path.expanduser(value) if value.startswith("~") else value
            elif words[:2] == ["caseworker-server", "serve"]:
                self.serve(block, line)
            else:
                done = self.bash(line)
                if done.returncode != 0:
                    self.fail(block, number, line, f"exit status {done.returncode}", done.stdout, done.stderr)
                if words[0] == "caseworker-server" and len(done.stdout.splitlines()) != 1:
                    self.fail(block, number, line, "an admin command says what it did in one line",
                              done.stdout, done.stderr)  # fmt: skip

    def serve(self, block: Block, line: str) -> None:
        self.stop()
        with open(self.server_log, "w") as log:  # a file: the server's log lines must never fill a pipe
            self.server = subprocess.Popen(["bash", "-c", "exec " + line], cwd=self.cwd, env=self.env,
                                           stdout=subprocess.PIPE, stderr=log, text=True,
                                           stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.server.stdout
        assert stdout is not None
        threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True).start()
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.server.poll() is None:
            try:
                self.server_said.append(lines.get(timeout=0.2).rstrip("\n"))
            except queue.Empty:
                pass
            try:
                if self.server_said and httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
        else:
            self.stop()
            self.fail(block, None, line, "the server did not start", "\n".join(self.server_said), self._err())
        if not self.server_said[0].endswith(f"{url} (Ctrl+C untuk berhenti)"):
            self.fail(block, None, line, "serve names its address first", "\n".join(self.server_said), "")

    @property
    def server_log(self) -> Path:
        return self.cwd.parent / "server.log"

    def _err(self) -> str:
        return self.server_log.read_text() if self.server_log.exists() else ""

    def stop(self) -> None:
        if self.server is None:
            return
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        if self.server.stdout is not None:
            self.server.stdout.close()
        self.server = None

    def fail(self, block: Block, number: int | None, line: str, why: str, out: str, err: str) -> None:
        where = f"README.md:{block.line + number}" if number is not None else f"README.md:{block.line}"
        pytest.fail(
            f"{where}: {why}\n--- the block ---\n{block.body}--- the line as run ---\n{line}\n"
            f"--- stdout ---\n{out[-3000:]}\n--- stderr ---\n{err[-3000:]}",
            pytrace=False,
        )


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKER_")}
    for var, sub in (
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("CASEWORKER_PROFILE", "profile"),
        ("CASEWORKER_DEMO_PROFILE", "demo"),
        ("CASEWORKER_CONFIG_DIR", "settings"),
    ):
        (tmp_path / sub).mkdir(mode=0o700)
        env[var] = str(tmp_path / sub)
    bin_dir = Path(sys.executable).parent  # this checkout's `caseworker` and `caseworker-server`
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)  # for the in-memory keyring of the tests
    env["PYTHON_KEYRING_BACKEND"] = "tests.memory_keyring.MemoryKeyring"
    env["QT_QPA_PLATFORM"] = "offscreen"
    for command in ("caseworker", "caseworker-server"):
        if shutil.which(command, path=env["PATH"]) is None:
            pytest.fail(f"{command} is not installed next to {sys.executable} (pip install -e '.[server]')")
    work = tmp_path / "work"
    work.mkdir()
    _write_register(work)
    term = Terminal(work, env, str(_free_port()))
    yield term
    term.stop()


def test_readme_command_blocks_run_as_written(terminal: Terminal):
    blocks = readme_blocks(README.read_text("utf-8"))
    for block in blocks:
        if block.skip is None:
            terminal.run_block(block)
    ran = "\n".join(terminal.ran)
    for command in (
        "caseworker --profile ~/cw init",
        "demo-data",
        "caseworker-server serve",
        "sync --server",
    ):
        assert command in ran, f"the README no longer runs {command!r}: update this test"
