"""``newswarehouse sql``: a read-only SQL shell on the published warehouse.

The DuckDB Python package ships no ``duckdb`` command, and the CLI builds on the
registry lag behind the storage version the package writes, so the warehouse
brings its own shell. It opens the file read-only (loads keep running beside
it) and, since a publish swaps the file by an atomic rename, re-opens it when the
inode under the path changes so that each query sees the latest published load.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import duckdb

FORMATS = ("table", "csv", "json")
MAX_CELL = 80  # characters per cell in table mode; csv and json are never cut
HELP = """\
Enter SQL ending with ';'. Dot commands:
  .tables            list the tables and views
  .schema NAME       columns of a table or view (schema.name or name)
  .mode table|csv|json
  .help              this text
  .quit              leave (also Ctrl-D)"""


class ReadOnlyWarehouse:
    """A read-only connection that follows the published file across atomic renames."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path} (run `newswarehouse run` first, or pass --warehouse)")
        self.path = path
        self._inode: int | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        inode = os.stat(self.path).st_ino
        if self._con is None or inode != self._inode:
            if self._con is not None:
                self._con.close()
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._inode = inode
        return self._con

    def query(self, sql: str, params: Sequence[object] | None = None) -> tuple[list[str], list[tuple]]:
        cursor = self.connection().execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        return columns, cursor.fetchall() if columns else []

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: object) -> str:
    text = "NULL" if value is None else str(_plain(value))
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def render(columns: Sequence[str], rows: Sequence[tuple], fmt: str) -> str:
    """The result as an aligned table, CSV (header first) or a JSON array of objects."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, map(_plain, row), strict=True)) for row in rows], ensure_ascii=False,
                          indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in cells]
    out += [line, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"]
    return "\n".join(out)


def _dot_command(wh: ReadOnlyWarehouse, line: str, state: dict[str, str], out: TextIO) -> bool:
    """Run one dot command; False means leave the shell."""
    word, _, arg = line.strip().partition(" ")
    arg = arg.strip()
    if word in (".quit", ".exit"):
        return False
    if word == ".help":
        print(HELP, file=out)
    elif word == ".mode" and arg in FORMATS:
        state["format"] = arg
    elif word == ".tables":
        cols, rows = wh.query(
            "select table_schema || '.' || table_name as name, lower(table_type) as kind "
            "from information_schema.tables order by 1"
        )
        print(render(cols, rows, state["format"]), file=out)
    elif word == ".schema" and arg:
        schema, _, name = arg.rpartition(".")
        cols, rows = wh.query(
            "select table_schema || '.' || table_name as \"table\", column_name, data_type "
            "from information_schema.columns where table_name = ? and (? = '' or table_schema = ?) "
            "order by table_schema, ordinal_position",
            [name, schema, schema],
        )
        print(render(cols, rows, state["format"]) if rows else f"no table or view named {arg}", file=out)
    else:
        print(f"unknown command {line.strip()!r}; .help lists them", file=out)
    return True


def run_one(wh: ReadOnlyWarehouse, sql: str, fmt: str, out: TextIO) -> None:
    columns, rows = wh.query(sql)
    if columns:
        print(render(columns, rows, fmt), file=out)


def interactive(wh: ReadOnlyWarehouse, fmt: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    """A line-based shell; statements end with ';'. Errors are printed, never fatal."""
    tty = stdin.isatty()
    if tty:
        try:
            import readline  # noqa: F401  (line editing and history in input())
        except ImportError:
            pass
        print(f"newswarehouse sql: {wh.path} (read-only). .help for commands, .quit to leave.", file=out)
    state = {"format": fmt}
    pending: list[str] = []
    failed = False
    while True:
        prompt = ("...> " if pending else "sql> ") if tty else ""
        try:
            line = input(prompt) if tty else stdin.readline()
        except EOFError:
            line = ""
        if not tty and line == "":
            break
        if tty and line == "" and not pending:
            continue
        if not pending and line.strip().startswith("."):
            if not _dot_command(wh, line, state, out):
                break
            continue
        pending.append(line.rstrip("\n"))
        statement = "\n".join(pending).strip()
        if statement.endswith(";"):
            pending.clear()
            try:
                run_one(wh, statement, state["format"], out)
            except duckdb.Error as exc:
                failed = True
                print(f"error: {exc}", file=out)
    if pending and "\n".join(pending).strip():
        try:
            run_one(wh, "\n".join(pending), state["format"], out)
        except duckdb.Error as exc:
            failed = True
            print(f"error: {exc}", file=out)
    return 1 if failed and not tty else 0


def main(warehouse: Path, command: str | None, fmt: str) -> int:
    try:
        wh = ReadOnlyWarehouse(warehouse)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if command is not None:
            try:
                run_one(wh, command, fmt, sys.stdout)
            except duckdb.Error as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            return 0
        return interactive(wh, fmt)
    finally:
        wh.close()
