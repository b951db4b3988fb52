"""A folder corpus: its ``.txt`` articles with their labels in a labels file, and ``.jsonl`` files.

Either may be compressed (``a.txt.gz``, ``b.jsonl.xz``; gzip, bz2 or xz, told by the bytes). A
``.txt`` article's id is its file name without ``.txt`` (and the compression suffix); the labels
file (``labels.json`` unless another is given) maps these ids to label lists, optionally under
``"articles"`` beside a ``"label_set"``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from topics.corpus.compression import COMPRESSION_SUFFIXES, plain_stem
from topics.corpus.formats import Located, read_jsonl, read_text
from topics.corpus.records import Article
from topics.errors import CorpusError
from topics.fileio import folder_files

__all__ = [
    "FolderListing", "LABELS_FILE", "article_files", "list_folder", "read_folder", "txt_article",
]

LABELS_FILE = "labels.json"


@dataclass(frozen=True)
class FolderListing:
    """A folder corpus before any article is read: its files and its labels file."""

    txt_files: list[Path]
    jsonl_files: list[Path]
    declared: list[str] | None  # the labels file's label_set
    labels_by_id: dict[str, list[str]] | None
    labels_path: Path

    def check_labelled_files(self) -> None:
        """Refuse labels given for a ``.txt`` file that is not there; warn if no labels file."""
        if self.txt_files and self.labels_by_id is None:
            warnings.warn(f"{self.labels_path} not found: the .txt articles are read without "
                          "labels", stacklevel=4)
        if self.labels_by_id is not None:
            stems = {plain_stem(txt) for txt in self.txt_files}
            missing = sorted(set(self.labels_by_id) - stems)
            # keys are ids, the file names without .txt, as every output names the articles; a key
            # with .txt is not also taken (a file "a.txt.txt" has the id "a.txt")
            suffixed = [key for key in missing if key.endswith(".txt") and key[:-4] in stems]
            if suffixed:
                shown = ", ".join(suffixed[:3]) + (", ..." if len(suffixed) > 3 else "")
                raise CorpusError(
                    f"{self.labels_path}: the keys are the file names without .txt (the article "
                    f"ids), not {shown}; write \"{suffixed[0][:-4]}\" for {suffixed[0]}"
                )
            if missing:
                raise CorpusError(
                    f"{self.labels_path}: labels given for {', '.join(missing)} but no such .txt "
                    "file; add the article or remove the entry"
                )

    def labels_of(self, txt: Path) -> tuple[str, ...]:
        """The labels of one ``.txt`` article; a labels file must give them."""
        if self.labels_by_id is None:
            return ()
        article_id = plain_stem(txt)
        if article_id not in self.labels_by_id:
            raise CorpusError(
                f'{self.labels_path}: no entry for {txt.name}; add "{article_id}": [...] '
                "(an empty list for an article with no label)"
            )
        return tuple(self.labels_by_id[article_id])

    def where(self, txt: Path) -> str:
        """A ``.txt`` article's place in messages."""
        return f"{txt} (labels in {self.labels_path.name})"


def article_files(folder: Path, pattern: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """:func:`~topics.fileio.folder_files` of ``pattern`` and its compressed variants
    (``*.txt``: also ``*.txt.gz``, ``*.txt.bz2``, ``*.txt.xz``), in name order: the folder is
    listed once (an archive's folder may hold 100,000 files), not once per variant."""
    ending = pattern.removeprefix("*")
    endings = (ending, *(ending + suffix for suffix in COMPRESSION_SUFFIXES))
    files, others = folder_files(folder, pattern + "*")
    return ([path for path in files if path.name.endswith(endings)],
            [(path, kind) for path, kind in others if path.name.endswith(endings)])


def list_folder(folder: Path, labels_file: str | Path | None, encoding: str) -> FolderListing:
    """The ``.txt`` and ``.jsonl`` files of a folder corpus (sorted; compressed ones too) and its
    labels file, read."""
    (txt_files, odd), (jsonl_files, odd_jsonl) = (article_files(folder, "*.txt"),
                                                  article_files(folder, "*.jsonl"))
    if odd := odd + odd_jsonl:  # a named pipe would be waited on forever
        raise CorpusError(f"{odd[0][0]}: is {odd[0][1]}, not a file of articles; move it out of "
                          "the folder (every .txt and .jsonl file in it is read)")
    if not txt_files and not jsonl_files:
        raise CorpusError(f"{folder}: no .txt or .jsonl articles in this folder; check the path")
    return FolderListing(txt_files, jsonl_files, *_read_labels_file(folder, labels_file, encoding))


def read_folder(
    folder: Path, labels_file: str | Path | None, encoding: str,
    label_separator: str | None = None,
) -> tuple[list[str] | None, Iterator[Located]]:
    """The label set the labels file declares, and the folder's articles (``label_separator``
    splits the string labels of its ``.jsonl`` files)."""
    listing = list_folder(folder, labels_file, encoding)

    def records() -> Iterator[Located]:
        listing.check_labelled_files()
        for txt in listing.txt_files:
            article = txt_article(txt, listing.labels_of(txt), read_text(txt, encoding))
            yield article, listing.where(txt)
        for jsonl in listing.jsonl_files:
            yield from read_jsonl(jsonl, encoding, label_separator)

    return listing.declared, records()


def txt_article(txt: Path, labels: tuple[str, ...], text: str) -> Article:
    """The article of a folder's ``.txt`` file: its id is the file name without ``.txt`` (and
    without ``.gz``, ``.bz2``, ``.xz``)."""
    return Article(plain_stem(txt), text, labels, meta={"file": txt.name})


def _read_labels_file(
    folder: Path, labels_file: str | Path | None, encoding: str
) -> tuple[list[str] | None, dict[str, list[str]] | None, Path]:
    path = Path(labels_file) if labels_file is not None else folder / LABELS_FILE
    if not path.exists():
        if labels_file is not None:
            raise CorpusError(f"{path}: labels file not found; check the path")
        return None, None, path
    if not path.is_file():  # a named pipe would be waited on forever
        raise CorpusError(f"{path}: not a regular file; give a labels file (JSON)")
    try:
        data = json.loads(read_text(path, encoding))
    except json.JSONDecodeError as error:
        raise CorpusError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    except (ValueError, RecursionError) as error:  # a 4300+ digit number, nesting too deep
        why = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise CorpusError(f"{path}: not valid JSON ({why}); fix the labels file") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a JSON object {{id: [labels]}}")
    declared = data.get("label_set")
    if declared is not None and (
        not isinstance(declared, list) or not all(isinstance(x, str) for x in declared)
    ):
        raise CorpusError(f"{path}: 'label_set' must be a list of strings, got {declared!r}")
    mapping = data.get("articles", data if declared is None else None)
    if not isinstance(mapping, dict):
        raise CorpusError(f"{path}: expected an 'articles' object mapping ids to label lists")
    for article_id, labels in mapping.items():
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise CorpusError(f"{path}: article {article_id!r}: labels must be a list of strings")
    return declared, mapping, path

