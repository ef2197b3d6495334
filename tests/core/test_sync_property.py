"""Hypothesis stateful test: workers and a supervisor create, edit, delete, reassign and sync at random
through a transport that loses answers, repeats calls and replays stale batches late, over a link that
drops exchanges while sending or receiving, with bodies compressed both ways and pages bounded by bytes. No worker ever holds a
case outside their scope, and after everyone syncs, every device holds exactly what a fresh device of the
same user pulls from the server.

The same devices also sync by file (caseworker.sync.bundle) between their network syncs: bundles are
exported, applied by the server in any order and any number of times, lost, cut short; replies are imported
late, twice, out of order or into the wrong laptop. A reply is either taken or refused with its reason, and
the properties above hold all the same."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import create_engine

from caseworker.errors import KnownError, NotAllowed
from caseworker.server import bundles
from caseworker.server.db import metadata
from caseworker.store import cases, referrals
from caseworker.store import repository as repo
from caseworker.store.schema import REFERRAL_SECTIONS, TABLES
from caseworker.sync import bundle, rejections
from caseworker.sync import bundle_format as bf
from caseworker.sync.transport import SyncError
from tests.core.sync_support import CutLink, Device, FaultyTransport, Server, cheap_crypto, local_rows

NAMES = ("ani", "budi", "sri", "rina")  # rina: the supervisor of a second facility (MLG), for referrals
PICK = st.integers(min_value=0, max_value=10_000)


def make_machine(url_for_example):
    class SyncMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.tmp = Path(tempfile.mkdtemp(prefix="cw-sync-prop-"))
            self.server = Server(url_for_example(self.tmp), sda_scope="assigned")
            client = self.server.client
            client._transport = CutLink(client._transport, seed=len(str(self.tmp)), cut=0.15)
            self.devices = {
                n: Device(self.server, self.tmp / n, n, wrap=lambda t: FaultyTransport(t, drop=0.1))
                for n in NAMES
            }
            self.bundles: list[tuple[str, Path]] = []  # (whose, file) on the stick
            self.replies: list[tuple[str, Path]] = []
            self.files = 0

        def _case(self, device: Device, pick: int) -> str | None:
            ids = sorted(r["id"] for r in device.store.query("SELECT id FROM cases WHERE deleted = 0"))
            return ids[pick % len(ids)] if ids else None

        @rule(name=st.sampled_from(NAMES))
        def create(self, name: str) -> None:
            self.devices[name].new_case(f"Anak {name}")

        @rule(name=st.sampled_from(NAMES), pick=PICK, field=st.sampled_from(["risk", "presenting_problem"]),
              value=st.sampled_from(["low", "high", "medium"]))  # fmt: skip
        def edit(self, name: str, pick: int, field: str, value: str) -> None:
            device = self.devices[name]
            case_id = self._case(device, pick)
            if case_id:
                try:
                    repo.update(
                        device.store,
                        "cases",
                        case_id,
                        {field: f"{value}-{name}" if field != "risk" else value},
                    )
                except NotAllowed:
                    pass

        @rule(name=st.sampled_from(NAMES), pick=PICK)
        def note(self, name: str, pick: int) -> None:
            device = self.devices[name]
            case_id = self._case(device, pick)
            if case_id:
                try:
                    cases.add_note(device.store, case_id, f"catatan {name}")
                except NotAllowed:
                    pass

        @rule(name=st.sampled_from(NAMES), pick=PICK)
        def delete(self, name: str, pick: int) -> None:
            device = self.devices[name]
            case_id = self._case(device, pick)
            if case_id:
                try:
                    repo.delete(device.store, "cases", case_id)
                except NotAllowed:
                    pass

        @rule(pick=PICK, to=st.sampled_from(["ani", "budi"]))
        def reassign(self, pick: int, to: str) -> None:
            sri = self.devices["sri"]
            case_id = self._case(sri, pick)
            if case_id:
                repo.update(sri.store, "cases", case_id, {"assigned_to": to})

        # -- referrals and transfers between the two facilities (issue 19) ---------------------------------
        @rule(name=st.sampled_from(("ani", "sri")), pick=PICK, transfer=st.booleans(),
              sections=st.lists(st.sampled_from(REFERRAL_SECTIONS), unique=True))  # fmt: skip
        def refer(self, name: str, pick: int, transfer: bool, sections: list[str]) -> None:
            device = self.devices[name]
            case_id = self._case(device, pick)
            if (
                case_id
                and device.store.one("SELECT status FROM cases WHERE id = ?", [case_id])["status"] == "open"
            ):
                try:
                    referrals.send(device.store, case_id, to_facility="MLG", reason=f"rujukan {name}",
                                   share_identity=pick % 2 == 0, sections=sections, consent_basis="persetujuan",
                                   transfer=transfer and name == "sri")  # fmt: skip
                except NotAllowed:
                    return
                event("referral sent")

        @rule(pick=PICK, accept=st.booleans())
        def answer(self, pick: int, accept: bool) -> None:
            rina = self.devices["rina"]
            waiting = [r for r in referrals.incoming(rina.store, waiting_only=True)
                       if not rina.store.one("SELECT 1 AS x FROM outbox WHERE row_id = ?", [r["id"]])]  # fmt: skip
            if waiting:
                row = waiting[pick % len(waiting)]
                if accept:
                    referrals.accept(rina.store, row["id"])
                else:
                    referrals.decline(rina.store, row["id"], "penuh")
                event(f"referral answered ({row['kind']})")

        @rule(name=st.sampled_from(("ani", "sri")), pick=PICK, transfer=st.booleans(), accept=st.booleans())
        def refer_and_answer(self, name: str, pick: int, transfer: bool, accept: bool) -> None:
            """A whole exchange in one step: a new client referred (or transferred), both sides sync, MLG answers
            and syncs (the separate rules above interleave the same with everything else)."""
            device = self.devices[name]
            device.new_case(f"Rujukan {name}")
            self.refer(name, pick, transfer, ["problem", "notes"])
            for d in (device, self.devices["rina"]):
                d.sync_until_done()
                self.check_scope(d)
            self.answer(pick, accept)
            self.devices["rina"].sync_until_done()
            self.check_scope(self.devices["rina"])

        @rule(name=st.sampled_from(NAMES), seed=st.integers(0, 2**32))
        def sync(self, name: str, seed: int) -> None:
            device = self.devices[name]
            device.transport.rng = random.Random(seed)
            try:
                device.sync(pull_limit=5)
            except SyncError:
                pass
            self.check_scope(device)

        # -- sync by file: the stick holds bundles and replies, in no particular order --------------------
        @rule(name=st.sampled_from(NAMES))
        def export_bundle(self, name: str) -> None:
            self.files += 1  # (a new name each time: lost files leave gaps in the list)
            path = self.tmp / f"stick-{self.files}.cwb"
            try:
                bundle.export(self.devices[name].store, path)
            except bf.BundleError as exc:  # its keys went up with a network sync the link cut
                assert exc.key == "bundle_no_keys"
                return
            self.bundles.append((name, path))

        @rule(pick=PICK, cut=st.integers(0, 3))
        def apply_bundle(self, pick: int, cut: int) -> None:
            if not self.bundles:
                return
            name, path = self.bundles[pick % len(self.bundles)]  # any of them, again and again
            data = path.read_bytes()
            if cut == 0:  # a copy cut short on the stick: refused, nothing applied
                with pytest.raises(bf.BundleError):
                    bundles.apply(self.server.db, str(path), data[: pick % len(data)])
                return
            sealed, _ = bundles.apply(self.server.db, str(path), data)
            self.files += 1
            reply = self.tmp / f"reply-{self.files}.cwb"
            bf.write(reply, sealed)
            self.replies.append((name, reply))

        @rule(name=st.sampled_from(NAMES))
        def carry_to_the_office_and_back(self, name: str) -> None:
            """The usual trip: export, apply at the office, import the reply (older ones stay on the stick)."""
            self.export_bundle(name)
            if self.bundles and self.bundles[-1][0] == name:
                self.apply_bundle(len(self.bundles) - 1, 1)
                self.import_reply(len(self.replies) - 1, 1)

        @rule(pick=PICK)
        def lose_from_stick(self, pick: int) -> None:
            held = self.bundles if pick % 2 else self.replies
            if held:
                held.pop(pick % len(held))

        @rule(pick=PICK, wrong=st.integers(0, 3))
        def import_reply(self, pick: int, wrong: int) -> None:
            if not self.replies:
                return
            owner, reply = self.replies[pick % len(self.replies)]
            name = owner if wrong else NAMES[(NAMES.index(owner) + 1 + pick % 2) % len(NAMES)]
            device = self.devices[name]
            try:
                bundle.import_reply(device.store, reply)
            except bf.BundleError as exc:
                assert exc.key == ("bundle_other_device" if owner != name else "bundle_gap"), exc.key
                event(f"reply refused: {exc.key}")
            else:
                assert owner == name
                event("reply taken")
            self.check_scope(device)

        @rule(seed=st.integers(0, 2**32))
        def sync_everyone(self, seed: int) -> None:
            for i, name in enumerate(NAMES):
                self.sync(name, seed + i)

        def check_scope(self, device: Device) -> None:
            if device.username in ("sri", "rina"):  # a supervisor: every case of the facility, only those
                facility = "SDA" if device.username == "sri" else "MLG"
                for row in device.store.query("SELECT id, facility_code FROM cases"):
                    assert row["facility_code"] == facility, row
                return
            for row in device.store.query("SELECT id, assigned_to, facility_code FROM cases"):
                assert (row["assigned_to"], row["facility_code"]) == (device.username, "SDA"), row

        def teardown(self) -> None:
            try:
                self.converge()
            finally:
                for d in self.devices.values():
                    d.close()
                self.server.close()
                shutil.rmtree(self.tmp, ignore_errors=True)

        def sync_rounds(self) -> None:
            for _round in range(3):  # push everything, then pull everything, then the conflict flags
                for d in self.devices.values():
                    d.sync_until_done()
                    self.check_scope(d)

        def settle_refusals(self) -> None:
            """What the authors of refused changes do: send again what they may now change, discard the
            rest. Until then a refused new record stays on its author's laptop only (and is listed)."""
            for d in self.devices.values():
                for refusal in rejections.rejections(d.store):
                    try:
                        rejections.resend(d.store, refusal.mutation_id)
                    except KnownError:
                        rejections.discard(d.store, refusal.mutation_id)
            self.sync_rounds()
            for d in self.devices.values():
                for refusal in rejections.rejections(d.store):
                    rejections.discard(d.store, refusal.mutation_id)
            self.sync_rounds()

        def converge(self) -> None:
            for d in self.devices.values():
                d.transport.flush()
            self.sync_rounds()
            self.settle_refusals()
            for name, device in self.devices.items():
                assert device.pending() == 0
                oracle = Device(self.server, self.tmp / f"oracle-{name}", name)
                try:
                    oracle.sync()
                    for table in TABLES:
                        assert local_rows(device.store, table) == local_rows(oracle.store, table), (
                            name,
                            table,
                        )
                finally:
                    oracle.close()

    return SyncMachine


def test_devices_converge_to_the_server_within_their_scopes(server_url: str, monkeypatch: pytest.MonkeyPatch):
    cheap_crypto(monkeypatch)

    def url_for_example(tmp: Path) -> str:
        if server_url.startswith("sqlite"):
            return f"sqlite:///{tmp / 'server.db'}"
        engine = create_engine(server_url)
        metadata.drop_all(engine)
        engine.dispose()
        return server_url

    machine = make_machine(url_for_example)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
