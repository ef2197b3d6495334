"""The network's facility directory (issue 19): what kind of unit each facility is, where, what it serves.

East Java's social services are a network: the provincial UPTs, the kabupaten/kota social offices (Dinas
Sosial), licensed LKS, and services outside the social sector (a Puskesmas). Admins keep the directory on the
server (`caseworker-server facility add|set --kind --region --services --contact`); every laptop receives it
with its sync, under the facility's directory tag (db.directory_tags), so a worker picks where to refer a
client offline. A facility with `external` set is listed for referral letters only (it has no laptops).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, inspect, select, text

from caseworker import i18n
from caseworker.domain import reference, regions
from caseworker.errors import KnownError
from caseworker.server.db import directory_tags, facilities, new_directory_tag

KINDS = ("upt", "dinsos", "lks", "other")
DEFAULT_REFERRAL_DUE_DAYS = 14

# Columns added to `facilities` by server database version 2 (create_schema adds them to older databases).
ADDED_COLUMNS = {
    "kind": "VARCHAR(20)",
    "region_code": "VARCHAR(20)",
    "services": "TEXT",
    "contact": "TEXT",
    "external": "INTEGER DEFAULT 0",
    "referral_due_days": "INTEGER",
}

i18n.register(
    {
        "server_bad_kind": (
            "Jenis unit tidak dikenal: {kind}. Pilih salah satu: {choices}.",
            "Unknown facility kind: {kind}. Choose one of: {choices}.",
        ),
        "server_bad_region": (
            "Kode wilayah tidak dikenal: {code} (kode Kemendagri, contoh 35.15 untuk Kab. Sidoarjo).",
            "Unknown region code: {code} (a Kemendagri code, e.g. 35.15 for Kab. Sidoarjo).",
        ),
        "server_bad_service": (
            "Layanan tidak dikenal: {code}. Gunakan kode kategori PPKS (01-26) atau komponen ATENSI ({atensi}).",
            "Unknown service: {code}. Use PPKS category codes (01-26) or ATENSI components ({atensi}).",
        ),
        "server_bad_due_days": (
            "--referral-days harus bilangan bulat 1 sampai 365.",
            "--referral-days must be a whole number from 1 to 365.",
        ),
    }
)


def add_columns(conn: Connection) -> bool:
    """Give a database made before version 2 the directory's columns; True when any was added."""
    have = {c["name"] for c in inspect(conn).get_columns("facilities")}
    missing = [name for name in ADDED_COLUMNS if name not in have]
    for name in missing:
        conn.execute(text(f"ALTER TABLE facilities ADD COLUMN {name} {ADDED_COLUMNS[name]}"))
    return bool(missing)


def check_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    value = kind.strip().lower()
    if value not in KINDS:
        raise KnownError("server_bad_kind", kind=kind, choices=", ".join(KINDS))
    return value


def check_region(code: str | None) -> str | None:
    if code is None:
        return None
    normal = regions.normalize_code(code)
    if normal is None or not regions.exists(normal):
        raise KnownError("server_bad_region", code=code)
    return normal


def parse_services(given: str | None) -> list[str] | None:
    """`01,03, terapi` -> ["01", "03", "terapi"]; PPKS codes may be written without the leading zero."""
    if given is None:
        return None
    out: list[str] = []
    for part in (p.strip() for p in given.split(",")):
        if not part:
            continue
        code = part.zfill(2) if part.isdigit() else part.lower()
        if not (reference.is_category(code) or reference.is_atensi_component(code)):
            atensi = ", ".join(c["code"] for c in reference.atensi_components())
            raise KnownError("server_bad_service", code=part, atensi=atensi)
        if code not in out:
            out.append(code)
    return out


def check_due_days(days: int | None) -> int | None:
    if days is not None and not 1 <= days <= 365:
        raise KnownError("server_bad_due_days")
    return days


def directory_values(
    kind: str | None = None,
    region: str | None = None,
    services: str | None = None,
    contact: str | None = None,
    external: bool | None = None,
    referral_days: int | None = None,
) -> dict[str, Any]:
    """The checked column values of the options given (those not given are left out)."""
    values: dict[str, Any] = {}
    if kind is not None:
        values["kind"] = check_kind(kind)
    if region is not None:
        values["region_code"] = check_region(region)
    parsed = parse_services(services)
    if parsed is not None:
        values["services"] = json.dumps(parsed)
    if contact is not None:
        values["contact"] = contact.strip() or None
    if external is not None:
        values["external"] = int(external)
    if referral_days is not None:
        values["referral_due_days"] = check_due_days(referral_days)
    return values


def directory_changed(conn: Connection) -> None:
    """The directory is the network's: every facility's devices fetch it (with their user list) again."""
    for code in conn.execute(select(facilities.c.code)).scalars().all():
        new_directory_tag(conn, code)


def entry(row: Any) -> dict[str, Any]:
    """A facility row as the devices receive it (protocol.FacilityEntry)."""
    m = row._mapping
    try:
        services = json.loads(m.get("services") or "[]")
    except ValueError:
        services = []
    return {
        "code": m["code"],
        "name": m["name"],
        "kind": m.get("kind"),
        "region_code": m.get("region_code"),
        "services": services if isinstance(services, list) else [],
        "contact": m.get("contact"),
        "address": m.get("address"),
        "on_caseworker": not m.get("external"),
        "referral_due_days": m.get("referral_due_days"),
    }


def listing(conn: Connection) -> list[dict[str, Any]]:
    return [entry(row) for row in conn.execute(select(facilities).order_by(facilities.c.code))]


def untagged(conn: Connection) -> list[str]:
    query = select(facilities.c.code).where(facilities.c.code.not_in(select(directory_tags.c.facility_code)))
    return list(conn.execute(query).scalars().all())
