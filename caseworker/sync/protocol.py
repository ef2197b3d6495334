"""The sync protocol: the contract between the client sync engine and the central server.

Both sides import these pydantic models; nothing else is shared (besides `caseworker.store.schema`).

Authentication
--------------
`POST /auth/login` (LoginRequest -> LoginResponse) gives an access token (~1 h) and a refresh token (~30 days),
both opaque and bound to the device. Send `Authorization: Bearer <access_token>` on every other call.
`POST /auth/refresh` (RefreshRequest -> RefreshResponse) gives a new access token; the refresh token is not
rotated. `POST /auth/logout` ends the device's session. A device id belongs to the account that first logged
in with it; another account logging in with it must send the device's current refresh token as
`device_token` (the same account never needs it). Errors are always `ErrorBody` JSON with an HTTP status:
401 invalid_credentials / token_expired / token_invalid, 403 device_revoked / user_disabled / forbidden /
wrong_device, 404 not_found, 409 offset_mismatch / device_bound (the device id is another account's and no
valid `device_token` was sent: join under a new device id),
426 protocol_too_old, 429 too_many_attempts (with a `Retry-After` header, seconds), 422 invalid_request.
Request bodies are limited before anything else is done (413 too_large, also while a body without
Content-Length streams in): PUT /blobs MAX_BLOB_CHUNK + 64 KiB, POST /sync/push MAX_PUSH_BODY, others 64 KiB.

Bodies may be compressed both ways (caseworker.sync.encoding): answers in the coding the request's
Accept-Encoding prefers (zstd, gzip); push bodies with Content-Encoding zstd or gzip when the server's
answers say `Accept-Encoding: zstd, gzip`. A decoded body is held to the same limit as a plain one.

Push (`POST /sync/push`, PushRequest -> PushResponse)
-----------------------------------------------------
- The client sends its outbox in order, in batches of at most MAX_PUSH_BATCH mutations and MAX_PUSH_BODY bytes
  of JSON (8 MiB; a batch is cut by whichever comes first). The server applies a batch in one transaction and
  answers one MutationResult per mutation, in the same order.
- `mutation_id` is the idempotency key: a mutation the server has seen is answered `duplicate` with the first
  result's `original_status`, `reason`, `version` and `conflict_ids`. A lost response is therefore safe to
  retry, and batches may be replayed or reordered. Every result (rejections included) is final: the client
  removes the mutation from its outbox once it has any result.
- Rights are checked against the logged-in user on every push (never trusted from the device).
- insert: `fields` is the full row. A child (e.g. a note) whose case has not reached the server yet is accepted;
  it follows the case's scope once the case arrives.
- update: `fields` holds the new values of the changed columns, `base` the client's last server copy of those
  columns (three-way merge), `base_version` the server version that copy had. Per field:
  server value == base -> applied; server value == new value -> nothing to do; otherwise the field changed
  concurrently: the server keeps its value (the first committed wins; device clocks never decide) and writes a
  `conflicts` row (CONFLICT_COLUMNS) that every device in scope receives, and sets the case's `conflict` to 1.
  A field missing from `base` counts as unchanged when `base_version` equals the server version.
  Status: `applied` (nothing changed on the server since base), `merged` (other fields had changed, all kept),
  `conflict` (at least one field kept the server's value; see `conflict_ids`), `rejected` (with `reason`).
- delete: sets the tombstone (`deleted` = 1); rows are never hard-deleted. Deleting a row changed on the server
  since `base`, or editing a row deleted on the server, is a conflict (field `deleted`): a deleted case never
  comes back silently. Undeleting is an update with `deleted` = 0 and a base showing `deleted` = 1.
- Tables in schema.INSERT_ONLY never conflict: their (rare) updates are applied in server arrival order.
- `updated_at`, `updated_by`, `version` and the cases' `conflict` flag are bookkeeping, never merged.
- Resolving a conflict: an update of the `conflicts` row (status "resolved", resolution one of RESOLUTIONS,
  resolved_by, resolved_at) plus, as usual, an update of the record with the chosen value. The server clears
  the case's `conflict` flag when no open conflict remains.
- An outdated client (older `protocol_version` or `schema_version`) may still push (its pending work is never
  lost); pulls then answer `update_required` = true and no changes.

Pull (`GET /sync/pull?since=CURSOR&limit=N&max_bytes=B&protocol_version=P&schema_version=S` -> PullResponse)
------------------------------------------------------------------------------------------------------------
- A page holds at most `limit` changes and, with `max_bytes`, only as many as fit in about B bytes of JSON
  (at least one). A laptop sizes B to its link, so a page takes a second or two on the wire whatever the link.
- The server keeps each row once with its latest state and a `seq` from one strictly increasing sequence;
  every change (and every change of who may see the row) moves the row to a new, higher seq. Seqs are assigned
  so that commit order equals seq order, so a cursor never skips a late-committing transaction.
- A page lists changes with seq > since in seq order, each row once with its latest state. `upsert` carries
  the full row (all columns, `version` = server version); `remove` means "this row left your scope: drop it
  locally" (not a deletion: deletions are upserts with `deleted` = 1).
- Apply a page and store its `cursor` in one local transaction, then pull again while `has_more`. Pulling
  with a cursor tells the server the previous page was applied (so removals are exact and retried when lost).
- Children may arrive before their case; the client must accept them.
- Rows with pending local edits are rebased by the client (keep the local edit, update the base copy).
- `reset` = true: the user's scope changed (new facility, role, another user on this device). Set the cursor
  to 0 and pull again; keep local rows, the server sends removals for what left the scope.
- A case leaving the device's scope (reassigned, moved, user moved) arrives as removals of its records, its
  person (unless another case of theirs stays in scope) and the case itself (last).

Blobs (attachments, content-addressed by sha256 hex)
----------------------------------------------------
Knowing a sha256 gives nothing: the server answers as if a blob it may not show did not exist.
`HEAD /blobs/{sha256}` -> 200 with headers X-Blob-Size and X-Blob-Complete (0/1) for the user's own unfinished
upload (bytes stored so far, 0), or for a complete blob they sent whole or may read (its size, 1); else 404.
`PUT /blobs/{sha256}?offset=N&size=TOTAL` with a raw body chunk (at most MAX_BLOB_CHUNK bytes) appends at N to
the user's own upload (409 with X-Blob-Size when N is not its stored size): nobody else appends to it or sees
it. When N + len(chunk) == TOTAL the server verifies the sha256: a mismatch discards that upload (422
hash_mismatch); a match proves the user holds the content (also when the server had the blob already: the
answers are the same). Upload the blob before pushing the attachment row: an attachment may name a sha256 only
when its writer proved they hold it, or already sees an attachment naming it (else rejected,
unknown_reference). `GET /blobs/{sha256}` returns the content only when a non-deleted attachment in the user's
scope references it (not merely because they uploaded it).

Envelope strings (usernames, device ids and names, tokens, mutation and row ids, table names) carry no NUL
characters or lone surrogates and are at most as long as the server keeps them (maxLength in the OpenAPI
document); others are refused with 422 invalid_request. (Values in `fields` follow the push policy.)

Clock: every response carries `server_time`; the client warns when its clock is off by more than
CLOCK_SKEW_WARNING_SECONDS.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

PROTOCOL_VERSION = 1
MIN_PUSH_PROTOCOL_VERSION = 1  # older clients cannot even push
MAX_PUSH_BATCH = 1000
DEFAULT_PULL_LIMIT = 1000
MAX_PULL_LIMIT = 5000
# `max_bytes` of a pull: the page holds no more changes than fit in about that many bytes of JSON (at
# least one). Laptops size it to their link (caseworker.sync.link); absent, only `limit` bounds a page.
MIN_PAGE_BYTES = 4096
CLOCK_SKEW_WARNING_SECONDS = 300
MAX_BLOB_CHUNK = 8 * 1024 * 1024
# The most bytes of one push body (its JSON): 1000 mutations of ~8 KB each (a case is ~1 KB, a long note or
# an assessment's data a few KB). The server refuses a larger body (413 too_large) before reading it.
MAX_PUSH_BODY = 8 * 1024 * 1024
MAX_SEQ = 2**63 - 1  # a pull cursor (a BIGINT seq)
MAX_VERSION = 2**31 - 1  # protocol and schema versions

# The server-written `conflicts` table, synced like the other tables (case_id is null for person-level rows).
CONFLICT_COLUMNS: dict[str, type] = {
    "case_id": str,
    "table_name": str,
    "row_id": str,
    "field": str,
    "server_value": str,  # JSON encoding of the value the server kept
    "device_value": str,  # JSON encoding of the value the device sent
    "device_user": str,
    "device_at": str,
    "server_user": str,
    "server_at": str,
    "status": str,  # open|resolved
    "resolution": str,  # RESOLUTIONS
    "resolved_by": str,
    "resolved_at": str,
}
RESOLUTIONS = ("keep_server", "keep_device", "edited")

MutationOp = Literal["insert", "update", "delete"]
MutationStatus = Literal["applied", "duplicate", "merged", "conflict", "rejected"]
ChangeOp = Literal["upsert", "remove"]
Role = Literal["worker", "supervisor", "staff", "admin"]
WorkerScope = Literal["facility", "assigned"]

# Reasons a mutation is rejected (MutationResult.reason).
REJECT_REASONS = (
    "read_only_role",  # staff and admin never change data
    "not_allowed",  # outside what the user may change
    "reassign_not_allowed",  # only supervisors change assigned_to
    "approval_requires_supervisor",  # (servers before 2026-12; now decision_requires_supervisor)
    "decision_requires_supervisor",  # approving, returning, deciding duplicates: supervisors of the facility
    "invalid_transition",  # a status move the policy does not allow (caseworker.server.policy.TRANSITIONS)
    "unknown_reference",  # names a person, case, user or file outside the writer's scope
    "duplicate_case_number",
    "closure_not_approved",  # closing a case before its closure review was approved
    "unknown_facility",
    "unknown_table",
    "unknown_field",
    "invalid_value",
    "server_managed",  # e.g. inserting a conflicts row
    "row_exists",  # insert of an id the server already has
    "unknown_row",  # update/delete of a row the server never received
)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "String should not contain NUL characters")
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    """A string of the envelope: at most `max_length` characters (the server column's length, stated in the
    OpenAPI document), no NUL characters; lone surrogates are refused by pydantic's own str (string_unicode)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)]


# The envelope's strings, as long as the server's columns that keep them (caseworker/server/db.py).
Id = _text(64, 1)  # mutation_id, row_id, txn_id (applied_mutations, changelog)
TableName = _text(40, 1)  # changelog.table_name
Username = _text(100, 1)  # users.username
DeviceId = _text(100, 1)  # devices.device_id
Token = _text(200, 1)  # access and refresh tokens (43 characters as issued)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorBody(_Model):
    error: str
    message_id: str
    message_en: str


class LoginRequest(_Model):
    username: Username
    password: _text(1000, 1)
    device_id: DeviceId
    device_name: _text(200) = ""
    protocol_version: int = PROTOCOL_VERSION
    # The device's current refresh token, whoever it belongs to: needed when the device id is bound to
    # another account (switching users on a shared laptop), else 409 device_bound.
    device_token: str | None = Field(default=None, max_length=200)


class UserInfo(_Model):
    username: str
    full_name: str | None
    role: Role
    facility_code: str | None


class FacilityUser(UserInfo):
    active: bool = True


class FacilityEntry(_Model):
    """One facility of the network's directory (issue 19): where a worker may refer a client, offline.
    `services`: the PPKS category codes ("03") and ATENSI component codes ("terapi") it serves;
    `on_caseworker`: False for a service outside the app (a referral to it is a printed letter)."""

    code: str
    name: str
    kind: str | None = None  # upt|dinsos|lks|other
    region_code: str | None = None  # Kemendagri code (kabupaten/kota or finer)
    services: list[str] = Field(default_factory=list)
    contact: str | None = None
    address: str | None = None
    on_caseworker: bool = True
    referral_due_days: int | None = None  # a referral not answered in this many days is overdue


class FacilityUsersResponse(_Model):
    """The people of the caller's facility, so a device can name them and reassign cases offline, and
    (servers from 2026-12 on) the network's facility directory, under the same ETag."""

    users: list[FacilityUser]
    facilities: list[FacilityEntry] | None = None


class FacilityInfo(_Model):
    code: str
    name: str
    address: str | None
    worker_scope: WorkerScope


class LoginResponse(_Model):
    access_token: str
    access_expires_at: str
    refresh_token: str
    refresh_expires_at: str
    user: UserInfo
    facility: FacilityInfo | None
    server_time: str


class RefreshRequest(_Model):
    refresh_token: Token
    device_id: DeviceId


class RefreshResponse(_Model):
    access_token: str
    access_expires_at: str
    refresh_expires_at: str
    server_time: str


class Mutation(_Model):
    mutation_id: Id
    txn_id: _text(64) | None = None
    table: TableName
    row_id: Id
    op: MutationOp
    fields: dict[str, Any] = Field(default_factory=dict)
    base: dict[str, Any] | None = None
    base_version: int = 0
    hlc: _text(100) | None = None  # applied_mutations.hlc
    schema_version: int = 1
    created_at: _text(40) | None = None
    created_by: _text(100) | None = None


class PushRequest(_Model):
    device_id: DeviceId
    protocol_version: int
    schema_version: int
    mutations: list[Mutation] = Field(max_length=MAX_PUSH_BATCH)


class Receipt(_Model):
    """The server's signature over a mutation it holds (caseworker.sync.receipts)."""

    seq: int | None = None
    server_time: str
    signature: str


class MutationResult(_Model):
    mutation_id: str
    status: MutationStatus
    reason: str | None = None
    version: int | None = None  # the row's server version after this mutation
    conflict_ids: list[str] = Field(default_factory=list)
    original_status: MutationStatus | None = None  # set on `duplicate`: the first result's status
    receipt: Receipt | None = None  # servers from 2026-12 on, for a mutation the server holds


class PushResponse(_Model):
    results: list[MutationResult]
    server_time: str
    update_required: bool = False


class Change(_Model):
    seq: int
    table: str
    row_id: str
    op: ChangeOp
    row: dict[str, Any] | None = None
    version: int


# A change in a page of the column shape (GET /sync/pull?shape=columns): [seq, table, row id, version,
# the row's values in the order of the page's column list for its table, or null for a removal].
ColumnRow = tuple[int, str, str, int, list[Any] | None]


class PullResponse(_Model):
    changes: list[Change]
    # The column shape (asked for with shape=columns; servers from 2026-12 on): each table's field names
    # once a page, and its rows as value lists. A row whose fields differ from its table's list still comes
    # in `changes`, as do all rows from an older server. `with_rows_as_changes` merges them in seq order.
    columns: dict[str, list[str]] | None = None
    rows: list[ColumnRow] | None = None
    cursor: int
    has_more: bool
    server_time: str
    update_required: bool = False
    reset: bool = False
    # The ETag the facility's list of users has now (servers from 2026-11 on): a device whose saved list
    # carries it need not ask for the list.
    directory_etag: str | None = None


def with_rows_as_changes(page: PullResponse) -> PullResponse:
    """The page with its column-shaped rows as Changes, in seq order among the others (what the sync
    engine applies). Raises ValueError for a row whose table has no column list or whose values do not
    match it."""
    if not page.rows:
        return page
    columns = page.columns or {}
    made: list[Change] = []
    for seq, table, row_id, version, values in page.rows:
        if values is None:
            made.append(Change.model_construct(seq=seq, table=table, row_id=row_id, op="remove", row=None,
                                               version=version))  # fmt: skip
            continue
        names = columns.get(table)
        if names is None or len(names) != len(values):
            raise ValueError(f"a {table} row does not match the page's column list")
        made.append(Change.model_construct(seq=seq, table=table, row_id=row_id, op="upsert",
                                           row=dict(zip(names, values, strict=True)), version=version))  # fmt: skip
    changes = sorted([*page.changes, *made], key=lambda c: c.seq) if page.changes else made
    return page.model_copy(update={"changes": changes, "rows": None, "columns": None})


class BundleKeys(_Model):
    """Public keys for sync by file (caseworker.sync.sealing), base64 of 32 raw bytes each: a device
    registers its own (POST /sync/bundle-keys) and gets the server's in the answer."""

    sign: str = Field(max_length=64)
    box: str = Field(max_length=64)


class HealthResponse(_Model):
    status: str
    server_time: str
    protocol_version: int
    schema_version: int
