"""Corpus files compressed with gzip, bz2 or xz, read as their decompressed bytes, streamed.

An archive often comes compressed (``articles.jsonl.gz``, ``pages.csv.bz2``, ``dump.jsonl.xz``).
The compression is told by the file's first bytes (its magic number), not by its name: a file
named ``.gz``, ``.bz2`` or ``.xz`` whose bytes are something else is refused, naming what they are,
and a compressed file is read whatever its name. The format is the suffix before the compression
suffix (``articles.jsonl.gz`` is JSON Lines, :func:`plain_suffix`). The standard library's
:mod:`gzip`, :mod:`bz2` and :mod:`lzma` decompress a block at a time: memory holds a block, never
the file, and nothing is written to disk. A file cut short or damaged raises one
:class:`~topics.errors.CorpusError` naming it, where the damage is met (the records before it
were read; :func:`topics.load_corpus` returns nothing then, as on any bad record).

A compressed file cannot be cut into byte ranges, so the Dask workers never read one themselves:
the client reads it (:func:`is_compressed`).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from topics.errors import CorpusError

__all__ = [
    "COMPRESSION_SUFFIXES", "FORMAT_BY_SUFFIX", "article_file_bytes", "compression_of",
    "damage_first", "decompressed_bytes", "format_by_name", "is_compressed", "open_decompressed",
    "plain_stem", "plain_suffix",
]

#: Suffix -> the compression a file so named must hold.
COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
_OPEN = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
_TEST = {"gzip": "gzip -t", "bz2": "bzip2 -t", "xz": "xz -t"}  # a user's check of the file
_HEAD = 10  # bytes that tell the compressions apart
#: Decompressed bytes read past a bad record to see whether the compressed data is damaged there.
LOOK_AHEAD = 8 << 20
# compressions that are not read: said by name, not as text in the wrong encoding
_OTHERS = ((b"PK\x03\x04", "a zip archive"), (b"\x28\xb5\x2f\xfd", "zstd data"),
           (b"7z\xbc\xaf\x27\x1c", "a 7z archive"))


def plain_suffix(path: Path | str) -> str:
    """The suffix that says the format, in lower case: the one before a compression suffix
    (``a.jsonl.gz`` -> ``.jsonl``), else the last (``a.csv`` -> ``.csv``)."""
    path = Path(path)
    if path.suffix.lower() in COMPRESSION_SUFFIXES:
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


#: A corpus file's format by the suffix before any compression suffix (:func:`format_by_name`):
#: the one table that ``load_corpus``, ``topics classify`` and ``topics assign`` read.
FORMAT_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv",
                    ".parquet": "parquet"}


def format_by_name(path: Path | str) -> str | None:
    """The corpus format a file's name says (``"jsonl"``, ``"csv"``, ``"parquet"``; the suffix
    before a compression suffix: ``a.tsv.gz`` -> ``"csv"``), or None."""
    return FORMAT_BY_SUFFIX.get(plain_suffix(path))


def plain_stem(path: Path | str) -> str:
    """The name without its format and compression suffixes (``a.jsonl.gz`` -> ``a``): the
    corpus name and the CSV ids of a compressed file are those of the file decompressed."""
    path = Path(path)
    if path.suffix.lower() in COMPRESSION_SUFFIXES:
        path = Path(path.stem)
    return path.stem


def compression_of(head: bytes) -> str | None:
    """The compression (``"gzip"``, ``"bz2"``, ``"xz"``) whose magic number ``head`` starts with,
    or None (bz2's block or end-of-stream magic too, so a text starting with ``BZh9`` is not taken
    for it)."""
    if head.startswith(b"\x1f\x8b\x08"):
        return "gzip"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if (head[:3] == b"BZh" and head[3:4].isdigit() and head[3:4] != b"0"
            and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")):
        return "bz2"
    return None


def _compression(head: bytes, path: Path, name: str) -> str | None:
    """The compression of a file that starts with ``head`` (``"gzip"``, ``"bz2"``, ``"xz"``), or
    ``None`` for a file that is not compressed.

    Raises
    ------
    CorpusError
        The file is named ``.gz``/``.bz2``/``.xz`` but its bytes are not that compression; it is
        a zip, zstd or 7z file (not read).
    """
    found = compression_of(head)
    suffix = path.suffix.lower()
    named = COMPRESSION_SUFFIXES.get(suffix)
    other = next((what for magic, what in _OTHERS if head.startswith(magic)), None)
    if other is not None:
        raise CorpusError(f"{name}: the file is {other}, which is not read; decompress it, or "
                          "compress it with gzip, bz2 or xz")
    if named is not None and found != named:
        what = ("the file is empty" if not head else f"it holds {found} data" if found
                else "its bytes are not compressed")
        rename = (f"rename it {path.stem}{_suffix_of(found)}" if found
                  else f"rename it without {path.suffix}" if head else "compress it again")
        raise CorpusError(f"{name}: named {path.suffix} but not {named} data ({what}); {rename}")
    return found


def _suffix_of(compression: str) -> str:
    return next(s for s, c in COMPRESSION_SUFFIXES.items() if c == compression)


def is_compressed(path: Path) -> bool:
    """Whether the file is, or is named as, a compressed file (one that cannot be read by byte
    ranges); ``False`` for a file that cannot be opened (its reading says why). Only a regular
    file is looked into: a pipe (``<(zcat ...)``) would lose the bytes looked at, so it is
    judged by its name."""
    if path.suffix.lower() in COMPRESSION_SUFFIXES:
        return True
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as file:
            return compression_of(file.read(_HEAD)) is not None
    except OSError:
        return False


def open_decompressed(path: Path, name: str | None = None) -> BinaryIO:
    """The file opened for reading its bytes, decompressed as they are read if it is compressed.

    The file is opened once and its first bytes are peeked at, not read, so a pipe loses
    nothing. ``name`` is the file as the user gave it (default: ``path``), for the messages.
    Reading a damaged or truncated compressed file raises a :class:`~topics.errors.CorpusError`
    that names it and says so.

    Raises
    ------
    CorpusError
        The file cannot be opened; it is named ``.gz``/``.bz2``/``.xz`` but its bytes are not
        that compression; it is a zip, zstd or 7z file (not read).
    """
    name = name or str(path)
    try:
        file = path.open("rb")
        head = file.peek(_HEAD)[:_HEAD]
    except OSError as error:
        raise CorpusError(
            f"{name}: cannot read the file ({error.strerror}); check its permissions"
        ) from None
    try:
        kind = _compression(head, path, name)
        if kind is None:
            return file
        return io.BufferedReader(_Checked(_OPEN[kind](file, "rb"), name, kind, file), 1 << 16)
    except BaseException:
        file.close()
        raise


class _Checked(io.RawIOBase):
    """A decompressing file whose decompression errors are a :class:`CorpusError` naming it."""

    def __init__(self, file: Any, name: str, kind: str, source: BinaryIO) -> None:
        super().__init__()
        self._file, self._name, self._kind, self._source = file, name, kind, source
        self.damaged = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = self._file.readinto(buffer)
        except EOFError:
            raise self._damaged("it is cut short: the compressed data ends before its end "
                                "marker") from None
        except (OSError, zlib.error, lzma.LZMAError) as error:
            raise self._damaged(str(error) or type(error).__name__) from None
        return count

    def _damaged(self, why: str) -> CorpusError:
        self.damaged = True
        return CorpusError(
            f"{self._name}: the {self._kind} file is damaged ({why}); fetch or compress it "
            f"again (`{_TEST[self._kind]} {self._name}` tests it)"
        )

    def close(self) -> None:
        if not self.closed:
            self._file.close()  # a decompressor given a file object leaves that file open
            self._source.close()
        super().close()


#: A folder's compressed article file may decompress to at most this many bytes (a crafted file
#: of a megabyte can hold gigabytes of zeros; an article is 5-50 kB).
ARTICLE_FILE_LIMIT = 50_000_000


def decompressed_bytes(data: bytes, name: str, limit: int) -> bytes:
    """A whole file's bytes (one article), decompressed if they are compressed: at most
    ``limit + 1`` bytes of them, so that a caller sees a file over its limit without holding it.

    Raises
    ------
    CorpusError
        The data is damaged or is not the compression its name says.
    """
    kind = _compression(data[:_HEAD], Path(name), name)
    if kind is None:
        return data
    source = io.BytesIO(data)
    with io.BufferedReader(_Checked(_OPEN[kind](source, "rb"), name, kind, source)) as file:
        return file.read(limit + 1)


def article_file_bytes(data: bytes, name: str) -> bytes:
    """A folder's article file (:func:`decompressed_bytes`), refused past
    :data:`ARTICLE_FILE_LIMIT` once decompressed."""
    out = decompressed_bytes(data, name, ARTICLE_FILE_LIMIT)
    if len(out) > ARTICLE_FILE_LIMIT:
        raise CorpusError(f"{name}: decompresses to more than {ARTICLE_FILE_LIMIT // 10**6} MB, "
                          "not one article; a corpus belongs in a JSON Lines or CSV file")
    return out


@contextmanager
def damage_first(file: BinaryIO) -> Iterator[None]:
    """Within it, an error about a record of the compressed ``file`` (:func:`open_decompressed`)
    gives way to the file's damage when its data is damaged within :data:`LOOK_AHEAD` bytes past
    the record: a block's checksum is checked at its end (bz2, xz), so a damaged block is first
    read as garbage, a line that is not JSON or not UTF-8, which is not what to fix."""
    try:
        yield
    except CorpusError:
        raw = getattr(file, "raw", None)
        if isinstance(raw, _Checked) and not raw.damaged and not file.closed:
            try:
                file.read(LOOK_AHEAD)
            except CorpusError as damage:
                raise damage from None
        raise
