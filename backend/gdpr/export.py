"""GET /v1/users/me/export: every row held about a user, streamed.

PostgreSQL renders each row as JSON (`to_jsonb`), so a table needs no serialiser of its own
and a column added later is exported without a code change. Rows come through a server-side
cursor inside one REPEATABLE READ, READ ONLY transaction: the export is a consistent
snapshot, and memory stays at one batch of rows plus one output chunk however much the user
has logged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from tortoise.transactions import in_transaction

from backend.exports.csv_rows import guard
from backend.gdpr.tables import UserTable, all_tables
from backend.users.schemas import effective_preferences

FORMAT = "englog-user-export"
VERSION = 1
CHUNK_BYTES = 64 * 1024
PREFETCH_ROWS = 500


def _row_sql(t: UserTable) -> str:
    doc = "(to_jsonb(t) - $2::text[])"
    if t.extra:
        pairs = ", ".join(f"'{name}', {expr}" for name, expr in t.extra.items())
        doc = f"({doc} || jsonb_build_object({pairs}))"
    return (f"SELECT {doc}::text AS doc FROM {t.table} t "
            f"WHERE t.{t.user_column} = $1 ORDER BY t.{t.order_by}")


class _Snapshot:
    """The export's transaction: rows of one table at a time, as JSON text."""

    def __init__(self, raw: Any, user_id: UUID):
        self.raw = raw
        self.user_id = user_id

    def rows(self, t: UserTable) -> AsyncIterator[Any]:
        return self.raw.cursor(_row_sql(t), self.user_id, list(t.omit), prefetch=PREFETCH_ROWS)

    async def columns(self, t: UserTable) -> list[str]:
        names = await self.raw.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            t.table)
        return [r["column_name"] for r in names if r["column_name"] not in t.omit] + list(t.extra)

    async def preferences(self) -> dict[str, Any]:
        stored = await self.raw.fetchval("SELECT preferences FROM users WHERE id = $1",
                                         self.user_id)
        stored = orjson.loads(stored) if isinstance(stored, str | bytes) else (stored or {})
        # The defaults in effect, and every stored key (also ones no longer offered).
        return {**effective_preferences(stored), **stored}


@asynccontextmanager
async def _snapshot(user_id: UUID) -> AsyncIterator[_Snapshot]:
    async with in_transaction() as tx, tx.acquire_connection() as raw:
        await raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield _Snapshot(raw, user_id)


def _header(user_id: UUID, exported_at: datetime) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "user_id": str(user_id),
            "exported_at": exported_at.isoformat()}


async def json_document(user_id: UUID) -> AsyncIterator[bytes]:
    """The spec's UserDataExport (user_profile, log_entries, projects, insights,
    preferences, exported_at) and one more array per table in backend/gdpr/tables.py."""
    exported_at = datetime.now(UTC)
    async with _snapshot(user_id) as snap:
        head = _header(user_id, exported_at)
        head["preferences"] = await snap.preferences()
        buf = bytearray(orjson.dumps(head)[:-1])  # leave the object open
        for t in all_tables():
            buf += b',\n"' + t.section.encode() + b'":['
            first = True
            async for rec in snap.rows(t):
                if not first:
                    buf += b","
                buf += b"\n" + rec["doc"].encode()
                first = False
                if len(buf) >= CHUNK_BYTES:
                    yield bytes(buf)
                    buf.clear()
            buf += b"]"
        buf += b"\n}\n"
        yield bytes(buf)


class _Pipe:
    """A write-only, unseekable file: zipfile then streams (data descriptors after each
    member) and everything written can be taken out and sent as it comes."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def write(self, data: bytes) -> int:
        self.buf += data
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = orjson.dumps(value).decode()
    else:
        text = str(value)
    return guard(text)  # the entries CSV's defence against formula injection


class _CsvLine:
    """One CSV record (RFC 4180: CRLF, quoted as needed) at a time."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.writer = csv.writer(self.out, lineterminator="\r\n")

    def __call__(self, cells: list[str]) -> bytes:
        self.out.seek(0)
        self.out.truncate()
        self.writer.writerow(cells)
        return self.out.getvalue().encode()


async def zip_archive(user_id: UUID) -> AsyncIterator[bytes]:
    """manifest.json, preferences.json, and <section>.json + <section>.csv per table."""
    exported_at = datetime.now(UTC)
    pipe = _Pipe()
    counts: dict[str, int] = {}
    line = _CsvLine()
    async with _snapshot(user_id) as snap:
        with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("preferences.json", orjson.dumps(await snap.preferences(),
                                                         option=orjson.OPT_INDENT_2))
            for t in all_tables():
                n = 0
                with zf.open(f"{t.section}.json", "w") as out:
                    out.write(b"[")
                    async for rec in snap.rows(t):
                        out.write((b",\n" if n else b"\n") + rec["doc"].encode())
                        n += 1
                        if len(pipe.buf) >= CHUNK_BYTES:
                            yield pipe.take()
                    out.write(b"\n]\n")
                counts[t.section] = n
                columns = await snap.columns(t)
                with zf.open(f"{t.section}.csv", "w") as out:
                    out.write(line(columns))
                    async for rec in snap.rows(t):
                        row = orjson.loads(rec["doc"])
                        out.write(line([csv_cell(row.get(c)) for c in columns]))
                        if len(pipe.buf) >= CHUNK_BYTES:
                            yield pipe.take()
                yield pipe.take()
            manifest = {**_header(user_id, exported_at), "rows": counts,
                        "files": ["preferences.json"] + [
                            f"{t.section}.{ext}" for t in all_tables() for ext in ("json", "csv")]}
            zf.writestr("manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        yield pipe.take()


def filename(user_id: UUID, fmt: str) -> str:
    return f"englog-export-{datetime.now(UTC):%Y%m%d}-{str(user_id)[:8]}.{fmt}"

