"""A CSV file's bytes, streamed: empty, UTF-8, NUL bytes."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from kpi_pipeline.load.files import RawFile


CHUNK_BYTES = 8 * 1024 * 1024  # what the streamed byte scans read at a time
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ByteScan:
    """What one streamed pass over a CSV file's bytes found."""

    blank: bool  # nothing but ASCII whitespace
    bom: bool
    bad_utf8: tuple[int, int] | None  # (byte offset, byte) of the first byte that is not UTF-8
    nul_count: int
    first_nul: int | None


def _scan_bytes(path: Path) -> ByteScan:
    """Empty or blank, UTF-8, NUL bytes: one pass in chunks of CHUNK_BYTES (an ASCII chunk is not decoded)."""
    size = 0
    content = False
    bad: tuple[int, int] | None = None
    nul_count = 0
    first_nul: int | None = None
    carry = b""  # the start of a character split between two chunks
    with path.open("rb") as handle:
        bom = handle.read(len(BOM)) == BOM
        handle.seek(0)
        while chunk := handle.read(CHUNK_BYTES):
            if not content:
                content = bool(chunk.strip())
            count = chunk.count(b"\x00")
            if count:
                if first_nul is None:
                    first_nul = size + chunk.find(b"\x00")
                nul_count += count
            if bad is None and (carry or not chunk.isascii()):
                data = carry + chunk
                try:
                    _, consumed = codecs.utf_8_decode(data, "strict", False)
                    carry = data[consumed:]
                except UnicodeDecodeError as exc:
                    bad = (size - len(carry) + exc.start, data[exc.start])
                    carry = b""
            size += len(chunk)
    if bad is None and carry:  # the file ends inside a character
        bad = (size - len(carry), carry[0])
    return ByteScan(not content, bom, bad, nul_count, first_nul)


def _line_of(path: Path, offset: int) -> tuple[int, int]:
    """(line, byte offset the line starts at) of a byte offset, counting line feeds in one streamed pass."""
    line, position, line_start = 1, 0, 0
    with path.open("rb") as handle:
        while position < offset and (chunk := handle.read(min(CHUNK_BYTES, offset - position))):
            line += chunk.count(b"\n")
            last = chunk.rfind(b"\n")
            if last >= 0:
                line_start = position + last + 1
            position += len(chunk)
    return line, line_start


def _characters(path: Path, start: int, end: int) -> int:
    """How many UTF-8 characters the bytes [start, end) of the file hold (streamed)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    count = 0
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0 and (chunk := handle.read(min(CHUNK_BYTES, left))):
            count += len(decoder.decode(chunk))
            left -= len(chunk)
    return count + len(decoder.decode(b"", True))


def _byte_problems(raw: RawFile) -> list[str]:
    """The problems of a CSV file's bytes, streamed: empty, not UTF-8, NUL bytes (in that order; the first
    wins), with the messages (byte offset, line, character) of reading the whole file."""
    name = raw.path.name
    scan = _scan_bytes(raw.path)
    if scan.blank:
        return [
            f"{name} is empty: it has no header line (a file with just the header line "
            "is a valid empty table)"
        ]
    if scan.bad_utf8 is not None:
        offset, byte = scan.bad_utf8
        line, _ = _line_of(raw.path, offset)
        return [
            f"{name} is not UTF-8: byte 0x{byte:02x} at byte offset {offset} (line {line}) is not valid "
            "UTF-8; re-export the file as UTF-8"
        ]
    if scan.nul_count:
        assert scan.first_nul is not None
        line, start = _line_of(raw.path, scan.first_nul)
        if start == 0 and scan.bom:
            start = len(BOM)  # the character count starts after the byte-order mark
        column = _characters(raw.path, start, scan.first_nul) + 1
        return [
            f"{name} holds {scan.nul_count} NUL byte(s) (\\x00), the first at line {line}, character {column}: "
            "a text export has none (a UTF-16 file or a binary field?); re-export it as UTF-8 text"
        ]
    return []
