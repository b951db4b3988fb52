"""The streamed NMF's first read kept on disk, so that its later reads need not analyse again.

:func:`topics.fit_streaming_nmf` goes over its corpus three times (vocabulary, topics, scores).
Cleaning and analysing a chunk costs some 30 times more than reading its tokens back (20,000
perturbed 10kGNAD articles: ~10 CPU-s a read against 0.4), so the first read writes each chunk's
token records to a temporary file and the later reads replay it: the same records in the same
chunks, the source read once.

The file is pickled (the fastest round trip of lists of strings, and compact: pickle shares a word
repeated within a chunk, ~7 bytes a token, ~24 MB for 20,000 articles). It is only ever read by
the fit that wrote it, from a folder that only its user can open (:func:`tempfile.mkdtemp`, under
``TMPDIR``), and the folder is removed when the fit ends, also on an error or an interrupt.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from topics.corpus.chunk_analysis import TokenRecord
from topics.errors import FileAccessError

__all__ = ["TokenFile"]


class TokenFile:
    """A temporary file of token-record chunks: written once while they stream by, then replayed.

    Use as a context manager: the folder holding the file is made on entry and removed on exit.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._chunks = 0
        self._complete = False

    def __enter__(self) -> TokenFile:
        try:
            self._folder = Path(tempfile.mkdtemp(prefix="topics-tokens-"))
        except OSError as error:
            raise _no_room(error) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    @property
    def _path(self) -> Path:
        if self._folder is None:
            raise RuntimeError("TokenFile is used outside its with-block")
        return self._folder / "tokens.pickle"

    def recording(self, chunks: Iterable[list[TokenRecord]]) -> Iterator[list[TokenRecord]]:
        """``chunks`` passed through, each written to the file on its way."""
        with open(self._path, "wb") as file:
            for chunk in chunks:
                try:
                    pickle.dump([tuple(r) for r in chunk], file, pickle.HIGHEST_PROTOCOL)
                except OSError as error:  # a full disk: said in one line, with the way out
                    raise _no_room(error) from None
                self._chunks += 1
                yield chunk
        self._complete = True

    def replay(self) -> Iterator[list[TokenRecord]]:
        """The recorded chunks again, in order (after :meth:`recording` went through them all)."""
        if not self._complete:
            raise RuntimeError("TokenFile.replay before the recording read every chunk")
        with open(self._path, "rb") as file:
            for _ in range(self._chunks):
                yield [TokenRecord(*fields) for fields in pickle.load(file)]


def _no_room(error: OSError) -> FileAccessError:
    return FileAccessError(
        f"streaming NMF: cannot keep the tokens in a temporary file ({error.strerror or error}); "
        "set TMPDIR to a folder with room (~7 bytes a token) or pass keep_tokens=False "
        "(topics stream-nmf --reread-source) to read the corpus three times instead"
    )
