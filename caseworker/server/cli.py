"""The `caseworker-server` command: set up the database, manage users, facilities and devices, serve.

Exit status: 0 ok, 2 usage or input error, 1 anything else; problems are one line on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.private_files import private_umask
from caseworker.server import admin
from caseworker.server.auth import TRUSTED_PROXIES_ENV, parse_proxy
from caseworker.server.db import DATABASE_URL_ENV, DEFAULT_THREADS, THREADS_ENV, Database, database_url
from caseworker.store.schema import ROLES

i18n.register(
    {
        "server_bad_proxy": (
            "--trusted-proxy {value}: bukan alamat IP atau jaringan (contoh 10.0.0.5 atau 10.0.0.0/24).",
            "--trusted-proxy {value}: not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24).",
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

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    uadd = user.add_parser("add", parents=[common])
    uset = user.add_parser("set", parents=[common], help="change role, facility, name or password")
    for p in (uadd, uset):
        p.add_argument("name")
        p.add_argument("--role", choices=ROLES, required=p is uadd)
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


def _run(args: argparse.Namespace) -> None:
    url = database_url(args.database_url)
    if args.command == "serve":
        _serve(url, args.host, args.port, args.workers, args.threads, _trusted_proxies(args.trusted_proxy))
        return
    database = Database(url)
    try:
        if args.command == "init":
            admin.init(database, args.admin, _password())
            return
        database.create_schema()
        action = (args.command, args.action)
        if action == ("facility", "add"):
            admin.add_facility(database, args.code, args.name, args.address, args.worker_scope)
        elif action == ("facility", "set"):
            admin.set_facility(database, args.code, args.name, args.address, args.worker_scope)
        elif action == ("user", "add"):
            admin.add_user(database, args.name, args.role, args.facility, args.full_name, _password())
        elif action == ("user", "set"):
            password = _password() if args.password else None
            admin.set_user(database, args.name, args.role, args.facility, args.full_name, password)
        elif action == ("user", "disable"):
            admin.disable_user(database, args.name)
        elif action == ("user", "enable"):
            admin.set_user(database, args.name, active=True)
        elif action == ("device", "revoke"):
            admin.revoke_device(database, args.id)
        elif action == ("device", "list"):
            for d in admin.list_devices(database):
                state = "revoked" if d["revoked_at"] else "active"
                print(
                    f"{d['device_id']}\t{d['username']}\t{d['name'] or ''}\t{d['last_seen_at'] or ''}\t{state}"
                )
    finally:
        database.dispose()


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
