"""The `caseworker-server` command: set up the database, manage users, facilities and devices, serve.

Exit status: 0 ok, 2 usage or input error, 1 anything else; problems are one line on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.private_files import private_umask
from caseworker.server import admin
from caseworker.server.auth import TRUSTED_PROXIES_ENV, parse_proxy
from caseworker.server.db import DATABASE_URL_ENV, DEFAULT_THREADS, THREADS_ENV, Database, database_url

i18n.register(
    {
        "server_bad_proxy": (
            "--trusted-proxy {value}: bukan alamat IP atau jaringan (contoh 10.0.0.5 atau 10.0.0.0/24).",
            "--trusted-proxy {value}: not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24).",
        ),
        # What each admin command did, one line on stdout.
        "server_cli_init_done": (
            "Basis data siap ({database}); administrator {name} dibuat.",
            "Database ready ({database}); administrator {name} created.",
        ),
        "server_cli_facility_added": (
            "Unit {code} ({name}) ditambahkan; pekerja menerima {scope}.",
            "Facility {code} ({name}) added; workers receive {scope}.",
        ),
        "server_cli_scope_facility": ("semua kasus unit", "all the facility's cases"),
        "server_cli_scope_assigned": (
            "hanya kasus yang ditugaskan kepadanya",
            "only the cases assigned to them",
        ),
        "server_cli_facility_updated": (
            "Unit {code} diperbarui: {changes}.",
            "Facility {code} updated: {changes}.",
        ),
        "server_cli_facility_unchanged": (
            "Unit {code}: tidak ada yang diubah.",
            "Facility {code}: nothing changed.",
        ),
        "server_cli_user_added": (
            "Pengguna {name} ({role}, unit {facility}) ditambahkan.",
            "User {name} ({role}, facility {facility}) added.",
        ),
        "server_cli_admin_added": ("Pengguna {name} ({role}) ditambahkan.", "User {name} ({role}) added."),
        "server_cli_user_updated": (
            "Pengguna {name} diperbarui: {changes}.",
            "User {name} updated: {changes}.",
        ),
        "server_cli_user_unchanged": (
            "Pengguna {name}: tidak ada yang diubah.",
            "User {name}: nothing changed.",
        ),
        "server_cli_user_disabled": (
            "Pengguna {name} dinonaktifkan; perangkatnya tidak dapat sinkron lagi.",
            "User {name} disabled; their devices can no longer sync.",
        ),
        "server_cli_user_enabled": (
            "Pengguna {name} diaktifkan kembali; perangkatnya masuk lagi dengan kata sandi.",
            "User {name} enabled again; their devices sign in again with the password.",
        ),
        "server_cli_device_revoked": (
            "Perangkat {device} dicabut; perangkat itu tidak dapat sinkron lagi.",
            "Device {device} revoked; it can no longer sync.",
        ),
        "server_cli_bundle_applied": (
            "Berkas dari perangkat {device} diterapkan: {mutations} perubahan ({detail}); balasan berisi "
            "{changes} data untuk laptop itu: {reply}",
            "Bundle of device {device} applied: {mutations} changes ({detail}); the reply holds {changes} "
            "rows for that laptop: {reply}",
        ),
        "server_cli_bundle_refused": ("{path}: ditolak: {reason}", "{path}: refused: {reason}"),
        "server_cli_no_devices": ("Belum ada perangkat terdaftar.", "No devices enrolled yet."),
        "server_cli_serving": (
            "Server berjalan di {url} (Ctrl+C untuk berhenti)",
            "Server running at {url} (Ctrl+C to stop)",
        ),
        "server_cli_serving_workers": (
            "Server berjalan di {url} dengan {workers} proses (Ctrl+C untuk berhenti)",
            "Server running at {url} with {workers} processes (Ctrl+C to stop)",
        ),
    }
)


def _password() -> str:
    env = os.environ.get("CASEWORKER_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise KnownError("server_no_password")
    first = getpass.getpass("Kata sandi / Password: ")
    admin.check_password(first)
    if getpass.getpass("Ulangi / Repeat: ") != first:
        raise KnownError("server_password_mismatch")
    return first


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: $CASEWORKER_DATABASE_URL or sqlite:///caseworker-server.db)",
    )
    parser = argparse.ArgumentParser(prog="caseworker-server", description="Caseworker central sync server")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", parents=[common], help="create the database and the first admin")
    init.add_argument("--admin", required=True, help="username of the administrator")

    facility = sub.add_parser("facility", help="manage facilities (UPT)").add_subparsers(
        dest="action", required=True
    )
    fadd = facility.add_parser("add", parents=[common])
    fset = facility.add_parser("set", parents=[common])
    for p in (fadd, fset):
        p.add_argument("code")
        p.add_argument("--name", required=p is fadd)
        p.add_argument("--address")
        p.add_argument(
            "--worker-scope", choices=admin.WORKER_SCOPES, default="facility" if p is fadd else None
        )
        # The network's directory (issue 19): what laptops show when a worker refers a client.
        p.add_argument(
            "--kind", help="upt, dinsos (Dinas Sosial kabupaten/kota), lks or other (e.g. Puskesmas)"
        )
        p.add_argument("--region", help="Kemendagri region code, e.g. 35.15 (Kab. Sidoarjo)")
        p.add_argument(
            "--services", help="PPKS category codes and ATENSI components, comma-separated: 01,03,terapi"
        )
        p.add_argument("--contact", help="phone, e-mail or contact person")
        p.add_argument(
            "--external", action=argparse.BooleanOptionalAction, default=None,
            help="not on Caseworker: referrals to it are printed letters",
        )  # fmt: skip
        p.add_argument("--referral-days", type=int, help="days after which an unanswered referral is overdue")
    flist = facility.add_parser("list", parents=[common], help="the facility directory")
    flist.add_argument("--json", action="store_true")

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    uadd = user.add_parser("add", parents=[common])
    uset = user.add_parser("set", parents=[common], help="change role, facility, name or password")
    for p in (uadd, uset):
        p.add_argument("name")
        p.add_argument("--role", choices=admin.SERVER_ROLES, required=p is uadd)
        p.add_argument("--facility")
        p.add_argument("--full-name")
    uset.add_argument(
        "--password", action="store_true", help="set a new password (prompt or CASEWORKER_PASSWORD)"
    )
    user.add_parser("disable", parents=[common]).add_argument("name")
    user.add_parser("enable", parents=[common]).add_argument("name")

    device = sub.add_parser("device", help="manage devices").add_subparsers(dest="action", required=True)
    device.add_parser("revoke", parents=[common]).add_argument("id")
    device.add_parser("list", parents=[common])

    bundle = sub.add_parser("bundle", help="sync by file (USB stick)").add_subparsers(
        dest="action", required=True
    )
    apply = bundle.add_parser("apply", parents=[common], help="apply a laptop's bundle and write its reply")
    apply.add_argument("file", help="the bundle written by `caseworker sync --export`")
    apply.add_argument("--reply", required=True, help="where to write the reply for the laptop")

    serve = sub.add_parser("serve", parents=[common], help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--workers", type=int, default=1,
        help="server processes (one per CPU core serves most devices at once)",
    )  # fmt: skip
    serve.add_argument(
        "--threads", type=int, default=None,
        help=f"requests each process works on at once (default {DEFAULT_THREADS})",
    )  # fmt: skip
    serve.add_argument(
        "--trusted-proxy", action="append", default=None, metavar="IP",
        help="a reverse proxy (IP address or network) whose X-Forwarded-For names the client; repeatable "
        f"(default: ${TRUSTED_PROXIES_ENV}, comma-separated; none: X-Forwarded-For is ignored)",
    )  # fmt: skip
    return parser


def _trusted_proxies(given: list[str] | None) -> tuple[str, ...]:
    values = given if given is not None else os.environ.get(TRUSTED_PROXIES_ENV, "").split(",")
    proxies = tuple(v.strip() for v in values if v.strip())
    for proxy in proxies:
        try:
            parse_proxy(proxy)
        except ValueError:
            raise KnownError("server_bad_proxy", value=proxy) from None
    return proxies


def _changes(args: argparse.Namespace, *options: str) -> str:
    """The options given, as typed (`--role supervisor, --password`): what a `set` command changed."""
    given = []
    for option in options:
        value = getattr(args, option.replace("-", "_"), None)
        if value is True:
            given.append(f"--{option}")
        elif value:
            given.append(f"--{option} {value}")
    return ", ".join(given)


DIRECTORY_OPTIONS = ("kind", "region", "services", "contact", "external", "referral-days")


def _directory_options(args: argparse.Namespace) -> dict[str, object]:
    return {name.replace("-", "_"): getattr(args, name.replace("-", "_")) for name in DIRECTORY_OPTIONS}


def _list_facilities(found: list[dict[str, object]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return
    for f in found:
        services = ",".join(f["services"])  # type: ignore[arg-type]
        where = "" if f["on_caseworker"] else "external"
        print(f"{f['code']}\t{f['name']}\t{f['kind'] or ''}\t{f['region_code'] or ''}\t{services}\t"
              f"{f['contact'] or ''}\t{where}")  # fmt: skip


def _say(key: str, **params: object) -> None:
    print(i18n.text(key, **params), flush=True)


def _run(args: argparse.Namespace) -> None:
    url = database_url(args.database_url)
    if args.command == "serve":
        _serve(url, args.host, args.port, args.workers, args.threads, _trusted_proxies(args.trusted_proxy))
        return
    database = Database(url)
    try:
        if args.command == "init":
            admin.init(database, args.admin, _password())
            from caseworker.server.bundles import server_keys

            server_keys(database)  # the key pair for bundles and receipts (else made on first need)
            _say("server_cli_init_done", database=_shown_url(url), name=args.admin)
            return
        database.create_schema()
        action = (args.command, args.action)
        if action == ("facility", "add"):
            admin.add_facility(database, args.code, args.name, args.address, args.worker_scope,
                               **_directory_options(args))  # fmt: skip
            scope = i18n.text(f"server_cli_scope_{args.worker_scope}")
            _say("server_cli_facility_added", code=args.code, name=args.name, scope=scope)
        elif action == ("facility", "set"):
            admin.set_facility(database, args.code, args.name, args.address, args.worker_scope,
                               **_directory_options(args))  # fmt: skip
            changes = _changes(args, "name", "address", "worker-scope", *DIRECTORY_OPTIONS)
            _say("server_cli_facility_updated" if changes else "server_cli_facility_unchanged", code=args.code,
                 changes=changes)  # fmt: skip
        elif action == ("facility", "list"):
            _list_facilities(admin.network_directory(database), args.json)
        elif action == ("user", "add"):
            admin.add_user(database, args.name, args.role, args.facility, args.full_name, _password())
            _say("server_cli_user_added" if args.facility else "server_cli_admin_added", name=args.name,
                 role=args.role, facility=args.facility)  # fmt: skip
        elif action == ("user", "set"):
            password = _password() if args.password else None
            admin.set_user(database, args.name, args.role, args.facility, args.full_name, password)
            changes = _changes(args, "role", "facility", "full-name", "password")
            _say(
                "server_cli_user_updated" if changes else "server_cli_user_unchanged",
                name=args.name,
                changes=changes,
            )
        elif action == ("user", "disable"):
            admin.disable_user(database, args.name)
            _say("server_cli_user_disabled", name=args.name)
        elif action == ("user", "enable"):
            admin.set_user(database, args.name, active=True)
            _say("server_cli_user_enabled", name=args.name)
        elif action == ("device", "revoke"):
            admin.revoke_device(database, args.id)
            _say("server_cli_device_revoked", device=args.id)
        elif action == ("bundle", "apply"):
            _apply_bundle(database, args.file, args.reply)
        elif action == ("device", "list"):
            found = admin.list_devices(database)
            for d in found:
                state = "revoked" if d["revoked_at"] else "active"
                print(
                    f"{d['device_id']}\t{d['username']}\t{d['name'] or ''}\t{d['last_seen_at'] or ''}\t{state}"
                )
            if not found:  # on stderr: a script reading the list gets no lines
                print(i18n.text("server_cli_no_devices"), file=sys.stderr)
        if action in _AUDITED:  # the web console's audit lists the command line's changes too
            from caseworker.server.web import audit

            name, target = _AUDITED[action]
            audit.record(database, f"cli:{_os_user()}", name, getattr(args, target))
    finally:
        database.dispose()


def _os_user() -> str:
    try:
        return getpass.getuser()[:90]
    except (OSError, KeyError):  # no login name (a container without USER or a passwd entry)
        return "unknown"


# (command, action) -> (audit action, the argument naming its target), as the web console records them.
_AUDITED = {
    ("facility", "add"): ("facility_add", "code"),
    ("facility", "set"): ("facility_set", "code"),
    ("user", "add"): ("user_add", "name"),
    ("user", "set"): ("user_set", "name"),
    ("user", "disable"): ("user_disable", "name"),
    ("user", "enable"): ("user_enable", "name"),
    ("device", "revoke"): ("device_revoke", "id"),
}


def _apply_bundle(database: Database, path: str, reply_path: str) -> None:
    from caseworker.server import bundles
    from caseworker.server.errors import ApiError
    from caseworker.sync import bundle_format

    data = bundle_format.read(path)
    try:
        sealed, reply = bundles.apply(database, path, data)
    except ApiError as exc:  # the device or its user may no longer sync (revoked, disabled, rebound)
        raise KnownError("server_cli_bundle_refused", path=path,
                         reason=i18n.text(f"server_{exc.code}", **exc.params)) from exc  # fmt: skip
    bundle_format.write(reply_path, sealed)
    counts: dict[str, int] = {}
    for result in reply.results:
        status = (
            result.original_status
            if result.status == "duplicate" and result.original_status
            else result.status
        )
        key = "duplicate" if result.status == "duplicate" else status
        counts[key] = counts.get(key, 0) + 1
    _say("server_cli_bundle_applied", device=reply.device_id, mutations=len(reply.results),
         detail=", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "-",
         changes=sum(len(pg.changes) + len(pg.rows or []) for pg in reply.pages), reply=reply_path)  # fmt: skip


def _shown_url(url: str) -> str:
    """The database URL without its password, as it may be printed."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an odd URL the engine accepted: name only its kind
        return url.split(":", 1)[0]


def _listen_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _serve(
    url: str,
    host: str,
    port: int,
    workers: int = 1,
    threads: int | None = None,
    trusted_proxies: tuple[str, ...] = (),
) -> None:
    import uvicorn

    from caseworker.server.app import create_app
    from caseworker.server.auth import Settings
    from caseworker.server.logs import setup_logging

    setup_logging()
    if workers <= 1:
        _say("server_cli_serving", url=_listen_url(host, port))
    else:
        _say("server_cli_serving_workers", url=_listen_url(host, port), workers=workers)
    # Keep idle connections longer than a laptop's pause between sync calls (uvicorn's default is 5 s).
    options = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_level": "warning",
        "timeout_keep_alive": 75,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default: only from configured proxies.
        "proxy_headers": bool(trusted_proxies),
    }
    if trusted_proxies:
        options["forwarded_allow_ips"] = list(trusted_proxies)
    if workers <= 1:
        settings = Settings(trusted_proxies=trusted_proxies)
        uvicorn.run(create_app(url, settings, threads=threads), **options)
        return
    # Several processes share the port; each builds the app from the environment (the schema is made once,
    # here). Python runs one thread at a time per process, so this is how a server uses more than one core.
    Database(url).create_schema()
    os.environ[DATABASE_URL_ENV] = url
    if threads:
        os.environ[THREADS_ENV] = str(threads)
    os.environ[TRUSTED_PROXIES_ENV] = ",".join(trusted_proxies)
    uvicorn.run("caseworker.server.app:app_from_environment", factory=True, workers=workers, **options)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with private_umask():  # the database, its -wal/-shm and all it writes: the server user's only
            _run(args)
    except KnownError as exc:
        print(exc.text(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 1
    except Exception as exc:  # one clear line, no traceback, for the operator
        print(
            f"{i18n.text('server_server_error')} ({type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
