"""`caseworker sync` (joins a server on first use) and `caseworker conflicts list|resolve`.

Exit status: 0 only when the sync completed; 1 when it did not (nothing is lost: run it again); 2 for usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.commands.common import add_user_arg, password, print_json, profile_dir
from caseworker.errors import KnownError
from caseworker.numbers import format_bytes
from caseworker.security.keyslots import SlotFile
from caseworker.store.profile import SLOTS_FILE, is_profile, open_profile, write_profile
from caseworker.store.store import Store
from caseworker.sync import bundle, receipts, rejections
from caseworker.sync import conflicts as conflicts_mod
from caseworker.sync import files as files_mod
from caseworker.sync.engine import Progress, SyncResult, sync
from caseworker.sync.enrol import enrol, http_transport, transport_for
from caseworker.sync.tokens import keyring_notice
from caseworker.sync.transport import LoginExpired, LoginRequired, SyncError, Transport

i18n.register(
    {
        "sync_enrol_needs": (
            "Belum ada profil di {path}: sebutkan --server URL dan --user NAMA untuk bergabung ke server.",
            "There is no profile at {path}: give --server URL and --user NAME to join a server.",
        ),
        "sync_done": (
            "Sinkronisasi selesai: {pushed} terkirim, {pulled} diterima, {conflicts} konflik belum selesai, "
            "{rejected} ditolak.",
            "Sync complete: {pushed} sent, {pulled} received, {conflicts} open conflicts, {rejected} rejected.",
        ),
        "sync_incomplete": (
            "Sinkronisasi belum selesai: {pushed} terkirim, {pulled} diterima.",
            "Sync not complete: {pushed} sent, {pulled} received.",
        ),
        "sync_rejected_line": (
            "Ditolak server: {table} {row} ({op}): {reason} (lihat `caseworker refused list`)",
            "Refused by the server: {table} {row} ({op}): {reason} (see `caseworker refused list`)",
        ),
        "sync_quarantined_line": (
            "{quarantined} data dari server disisihkan karena tidak dapat disimpan di laptop ini; data lain "
            "tersinkron. Lihat `caseworker quarantine list` atau halaman Konflik.",
            "{quarantined} rows from the server were set aside because this laptop cannot store them; "
            "everything else is synced. See `caseworker quarantine list` or the Conflicts page.",
        ),
        "sync_failed": ("Sinkronisasi gagal: {detail}", "Sync failed: {detail}"),
        "sync_cli_login_required": (
            "{user} belum masuk ke server di laptop ini, dan server menolak kata sandi yang diberikan. "
            "Jalankan `caseworker sync --user {user}` dengan kata sandi server {user} (CASEWORKER_PASSWORD), "
            "atau masuk sekali lewat aplikasi (Sinkronkan, F5). Sesi pengguna lain tidak dipakai; perubahan "
            "{user} tetap menunggu di laptop ini.",
            "{user} has not signed in to the server on this laptop, and the server refused the password "
            "given. Run `caseworker sync --user {user}` with the server password of {user} "
            "(CASEWORKER_PASSWORD), or sign in once in the app (Sync, F5). Another user's session is not "
            "used; the changes of {user} keep waiting on this laptop.",
        ),
        "sync_waiting_line": (
            "{n} perubahan menunggu pengguna lain: terkirim saat pengguna itu menyinkronkan di laptop ini.",
            "{n} changes are waiting for another user: they are sent when that user syncs on this laptop.",
        ),
        "receipts_none": ("Belum ada tanda terima dari server.", "No receipts from the server yet."),
        "receipts_ok": ("tanda tangan sah", "signature valid"),
        "receipts_bad": ("TANDA TANGAN TIDAK SAH", "SIGNATURE NOT VALID"),
        "receipts_no_case": (
            "Kasus {number} tidak ada di laptop ini.",
            "Case {number} is not on this laptop.",
        ),
        "receipts_all_confirmed": (
            "Semua perubahan dikonfirmasi server sampai {date}.",
            "All changes confirmed by the server up to {date}.",
        ),
        "receipts_waiting": (
            "Dikonfirmasi server sampai {date}; {n} perubahan belum terkirim.",
            "Confirmed by the server up to {date}; {n} changes not sent yet.",
        ),
        "conflicts_none": ("Tidak ada konflik yang belum selesai.", "No open conflicts."),
        "conflict_line": (
            "{id}  {case}  {table}.{field}: milik saya {mine} | milik {who} ({when}) {theirs}",
            "{id}  {case}  {table}.{field}: mine {mine} | {who}'s ({when}) {theirs}",
        ),
        # By resolution (never the stored code, e.g. keep_device, in a message).
        "conflict_resolved.keep_device": (
            "Konflik {id} diselesaikan: nilai dari laptop ini dipakai.",
            "Conflict {id} resolved: this laptop's value is kept.",
        ),
        "conflict_resolved.keep_server": (
            "Konflik {id} diselesaikan: nilai dari server dipakai.",
            "Conflict {id} resolved: the server's value is kept.",
        ),
        "conflict_resolved.edited": (
            "Konflik {id} diselesaikan dengan nilai baru.",
            "Conflict {id} resolved with a new value.",
        ),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sync", help="sync with the server (joins the server on first use)")
    s.add_argument("--server", help="server URL, e.g. https://sync.example.org (needed the first time)")
    add_user_arg(s)
    s.add_argument(
        "--json",
        action="store_true",
        help='print {"pushed", "pulled", "conflicts", "rejected", "quarantined", "bytes_sent", ...}',
    )
    s.add_argument(
        "--files",
        choices=("auto", "now", "later"),
        default="auto",
        help="attachment files after the text: auto (as --files-fast-only allows), now (whatever the "
        "link), later (text only)",
    )
    s.add_argument(
        "--files-fast-only",
        choices=("on", "off"),
        help="remember for this profile: attachment files only over fast links (about 2 Mbit/s or more)",
    )
    s.add_argument("what", nargs="?", choices=("receipts",),
                   help="receipts: list the server's receipts held on this laptop and check their signatures")  # fmt: skip
    s.add_argument("--case", metavar="NUMBER", help="with receipts: only this case's")
    by_file = s.add_mutually_exclusive_group()
    by_file.add_argument(
        "--export", metavar="FILE", help="no network: write this laptop's changes to FILE (for a USB stick)"
    )
    by_file.add_argument(
        "--import", dest="import_file", metavar="REPLY", help="no network: apply the server's reply REPLY"
    )
    s.set_defaults(func=cmd_sync)

    c = sub.add_parser("conflicts", help="list and resolve sync conflicts")
    csub = c.add_subparsers(dest="conflicts_command", required=True)
    ls = csub.add_parser("list", help="open conflicts")
    add_user_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_conflicts_list)
    rs = csub.add_parser("resolve", help="resolve one conflict")
    add_user_arg(rs)
    rs.add_argument("id")
    how = rs.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", choices=("mine", "theirs"))
    how.add_argument("--value", help="a new value for the field")
    rs.set_defaults(func=cmd_conflicts_resolve)


def _user(args: argparse.Namespace) -> str:
    if args.user:
        return str(args.user)
    users = sorted(SlotFile(profile_dir(args) / SLOTS_FILE).load())
    if len(users) != 1:
        raise KnownError("need_user", users=", ".join(users))
    return users[0]


def _open(args: argparse.Namespace, secret: str | None = None) -> Store:
    folder = profile_dir(args)
    if not is_profile(folder):
        raise KnownError("no_profile", path=str(folder))
    return open_profile(folder, _user(args), secret if secret is not None else password())


def _progress(quiet: bool) -> Progress:
    def progress(phase: str, done: int, total: int | None) -> None:
        if not quiet and sys.stderr.isatty():
            print(f"\r{phase}: {done}{f'/{total}' if total else ''}", end="", file=sys.stderr, flush=True)

    return progress


def _run_sync(
    store: Store, transport: Transport, secret: str, quiet: bool, files: str = "auto"
) -> SyncResult:
    progress = _progress(quiet)
    try:
        return sync(store, transport, progress=progress, files=files)
    except LoginExpired as expired:
        # The session of this user ended, or they have none on this laptop yet (or no keyring kept it):
        # log them in with the profile password, once. Another user's session is never used for them.
        try:
            transport.login(store.user.username, secret)
        except SyncError as exc:
            if isinstance(expired, LoginRequired) and exc.key == "sync_bad_login":
                raise SyncError("sync_cli_login_required", user=store.user.username) from exc
            raise
        return sync(store, transport, progress=progress, files=files)


def cmd_sync(args: argparse.Namespace) -> int:
    folder = profile_dir(args)
    secret = password()
    transport: Transport | None = None
    store: Store | None = None
    if args.what == "receipts":
        return _receipts(args, secret)
    if args.export or args.import_file:
        return _by_file(args, secret)
    try:
        if not is_profile(folder):
            if not args.server or not args.user:
                raise KnownError("sync_enrol_needs", path=str(folder))
            store, transport = enrol(folder, args.server, args.user, secret)
        else:
            store = _open(args, secret)
            if (
                args.server
                and args.server != store.profile.get("server_url")
                and store.profile.get("mode") == "server"
            ):
                store.profile["server_url"] = args.server
                write_profile(folder, store.profile)
            transport = transport_for(store, http_transport)
        if args.files_fast_only is not None:
            files_mod.set_fast_links_only(store, args.files_fast_only == "on")
        result = _run_sync(store, transport, secret, args.json, args.files)
        _report(store, result, args.json)
        return 0 if result.completed else 1
    except SyncError as exc:
        print(f"caseworker: {i18n.text('sync_failed', detail=exc.text())}", file=sys.stderr)
        return 1
    except KnownError:
        raise
    except Exception as exc:  # a bug or an unexpected answer: one clear line; the next run continues
        print(
            f"caseworker: {i18n.text('sync_failed', detail=f'{type(exc).__name__}: {exc}')}", file=sys.stderr
        )
        return 1
    finally:
        notice = keyring_notice()
        if notice:
            print(f"caseworker: {notice}", file=sys.stderr)
        if transport is not None and hasattr(transport, "close"):
            transport.close()
        if store is not None:
            store.close()


def _receipts(args: argparse.Namespace, secret: str) -> int:
    """`sync receipts [--case NUMBER] [--json]`: the receipts held, each verified offline."""
    store = _open(args, secret)
    try:
        case_id = None
        if args.case:
            found = store.one("SELECT id FROM cases WHERE case_number = ?", [args.case])
            if found is None:
                raise KnownError("receipts_no_case", number=args.case)
            case_id = found["id"]
        items = receipts.listed(store, bundle.server_keys(store), case_id)
        waiting = receipts.pending_of(store, case_id)
        confirmed = receipts.confirmed_up_to(store, bundle.server_keys(store), case_id)
    finally:
        store.close()
    if args.json:
        print_json(items)
        return 0 if all(r["verified"] for r in items) else 1
    if not items:
        print(i18n.text("receipts_none"))
    for r in items:
        state = i18n.text("receipts_ok" if r["verified"] else "receipts_bad")
        print(f"{r['server_time']}  {r['table_name']}  {r['row_id']}  {r['status']}  seq {r['seq'] or '-'}  "
              f"{r['mutation_id']}  {state}")  # fmt: skip
    if confirmed:
        print(i18n.text("receipts_all_confirmed", date=confirmed))
    elif items and all(r["verified"] for r in items):
        print(i18n.text("receipts_waiting", date=items[-1]["server_time"], n=waiting))
    return 0 if all(r["verified"] for r in items) else 1


def _by_file(args: argparse.Namespace, secret: str) -> int:
    """`sync --export FILE` / `sync --import REPLY`: a sync carried on a USB stick."""
    store = _open(args, secret)
    try:
        if args.export:
            done = bundle.export(store, Path(args.export))
            if args.json:
                print_json({"file": str(done.path), "mutations": done.mutations, "cursor": done.cursor,
                            "bytes": done.size, "files": done.files})  # fmt: skip
            else:
                print(i18n.text("bundle_exported", path=str(done.path), mutations=done.mutations,
                                files=done.files, size=format_bytes(done.size)))  # fmt: skip
            return 0
        result = bundle.import_reply(store, Path(args.import_file), progress=_progress(args.json))
        _report(store, result, args.json)
        return 0 if result.completed else 1
    except SyncError as exc:
        print(f"caseworker: {i18n.text('sync_failed', detail=exc.text())}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _report(store: Store, result: SyncResult, as_json: bool) -> None:
    for line in [*result.warnings, *result.errors]:
        print(f"caseworker: {line}", file=sys.stderr)
    if as_json:
        print_json({**result.summary(), "bytes_sent": result.bytes_sent, "bytes_received": result.bytes_received,
                    **result.files_summary()})  # fmt: skip
        return
    key = "sync_done" if result.completed else "sync_incomplete"
    print(i18n.text(key, **result.summary()))
    print(result.traffic())
    if result.files_waiting:
        print(result.files_text())
    for r in rejections.rejections(store):
        print(i18n.text("sync_rejected_line", table=r.table, row=r.row_id, op=r.op, reason=r.reason_text()))
    if result.quarantined:
        print(i18n.text("sync_quarantined_line", quarantined=result.quarantined))
    if result.waiting:
        print(i18n.text("sync_waiting_line", n=result.waiting))


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        items = conflicts_mod.list_conflicts(store)
    finally:
        store.close()
    if args.json:
        print_json(items)
        return 0
    if not items:
        print(i18n.text("conflicts_none"))
    for c in items:
        print(i18n.text("conflict_line", id=c["id"], case=c["case_number"] or "—", table=c["table"],
                        field=c["field"], mine=_show(c["my_value"]), theirs=_show(c["their_value"]),
                        who=c["their_user"] or "?", when=c["their_at"] or "?"))  # fmt: skip
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        resolution = conflicts_mod.resolve_conflict(store, args.id, keep=args.keep, value=args.value)
    finally:
        store.close()
    print(i18n.text(f"conflict_resolved.{resolution}", id=args.id))
    return 0
