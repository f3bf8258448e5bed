"""Streaming JSON: one article per record of JSON lines or a JSON array, memory-flat.

Yields ``(fragment, text)`` for each record, the text sliced exactly as it
stands in the file, or ``(fragment, JsonProblem)`` for a record that cannot be
read; the caller lands or rejects each one.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True)
class JsonProblem:
    reason: str
    data: bytes | None = None  # the record's bytes, when there are any (for its digest)
    ends_file: bool = False  # nothing after it could be read


def _first_nonspace(stream: BinaryIO) -> bytes:
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    return head.lstrip()[:1]


def read_json_records(stream: BinaryIO, max_record: int, jsonl_name: bool) -> Iterator[tuple[str, str | JsonProblem]]:
    first = _first_nonspace(stream)
    if first == b"[" and not jsonl_name:
        yield from _array_records(stream, max_record)
        return
    records = _line_records(stream, max_record, jsonl_name)
    first = next(records, None)
    second = next(records, None)
    if first is not None and second is None:
        # A file of one record is a single-article file: its URI names the file alone.
        yield "", first[1]
        return
    for item in (first, second):
        if item is not None:
            yield item
    yield from records


def _decode(data: bytes) -> str:
    from newswarehouse.loading.decoding import decode

    return decode(data).text


def _line_records(stream: BinaryIO, max_record: int, jsonl_name: bool) -> Iterator[tuple[str, str | JsonProblem]]:
    """JSON lines; a file whose first line is not a whole record is one pretty-printed object."""
    line_no = 0
    while True:
        raw = stream.readline(max_record + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > max_record and not raw.endswith(b"\n"):
            while (rest := stream.readline(CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield f"line={line_no}", JsonProblem(f"record is over the {max_record:,}-byte limit (NEWSWH_MAX_FILE_BYTES)")
            continue
        if not raw.strip():
            continue
        try:
            text = _decode(raw).rstrip("\n")
        except ValueError as exc:
            yield f"line={line_no}", JsonProblem(f"record is not text: {exc}", raw)
            continue
        try:
            json.loads(text)
        except ValueError as exc:
            if line_no == 1 and not jsonl_name:
                # Not JSON lines: the whole file is one (pretty-printed) value.
                yield from _whole_document(raw, stream, max_record)
                return
            yield f"line={line_no}", JsonProblem(f"broken JSON: {exc}", raw)
            continue
        yield f"line={line_no}", text


def _whole_document(head: bytes, stream: BinaryIO, max_record: int) -> Iterator[tuple[str, str | JsonProblem]]:
    data = head + stream.read(max_record + 1 - len(head))
    if len(data) > max_record:
        yield "", JsonProblem(f"JSON document is over the {max_record:,}-byte limit (NEWSWH_MAX_FILE_BYTES) and is "
                              "neither JSON lines nor an array", None, True)
        return
    try:
        text = _decode(data)
        json.loads(text)
    except ValueError as exc:
        yield "", JsonProblem(f"broken JSON: {exc}", data, True)
        return
    yield "", text


def _array_records(stream: BinaryIO, max_record: int) -> Iterator[tuple[str, str | JsonProblem]]:
    """Elements of a top-level array, each sliced exactly; ``offset`` counts characters from the file start."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    buf, pos, base, eof = "", 0, 0, False

    def fill() -> bool:
        nonlocal buf, pos, base, eof
        if eof:
            return False
        chunk = stream.read(CHUNK)
        eof = not chunk
        buf, base, pos = buf[pos:] + utf8.decode(chunk, final=eof), base + pos, 0
        return bool(chunk)

    def skip_space() -> bool:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            if pos < len(buf):
                return True
            if not fill():
                return False

    try:
        skip_space()
        pos += 1  # the "["
        while True:
            if not skip_space():
                yield f"offset={base + pos}", JsonProblem("JSON array is not closed (truncated file)", None, True)
                return
            if buf[pos] == "]":
                return
            if buf[pos] == ",":
                pos += 1
                continue
            start = base + pos
            while True:
                try:
                    _value, end = decoder.raw_decode(buf, pos)
                    break
                except ValueError as exc:
                    if len(buf) - pos > max_record or not fill():
                        reason = (f"record is over the {max_record:,}-byte limit (NEWSWH_MAX_FILE_BYTES)"
                                  if len(buf) - pos > max_record else f"broken JSON: {exc.args[0]}")
                        yield f"offset={start}", JsonProblem(reason + "; the rest of the array cannot be read",
                                                            None, True)
                        return
            text = buf[pos:end]
            pos = end
            yield f"offset={start}", text.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        yield f"offset={base + pos}", JsonProblem(f"JSON array is not valid UTF-8: {exc.reason}", None, True)
