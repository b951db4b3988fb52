"""Articles and corpora: the record types every reader produces.

A :class:`Corpus` is an immutable sequence of :class:`Article` records with a content fingerprint
(sha256 over ids, texts and labels), a summary, and the modelling units the models read (whole
articles or paragraphs, as clean text). :func:`load_corpus` with no argument returns the 217
labelled articles shipped with the package.

Every bad input raises one :class:`~topics.errors.CorpusError` that names the file, the line or
record, and what to do. Nothing partial is returned.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Integral
from types import MappingProxyType
from typing import Any, Literal, overload

import numpy as np

from topics.corpus.boilerplate import (
    DEFAULT_MIN_ARTICLES,
    RepeatedParagraph,
    check_min_articles,
    find_repeated,
    without_repeated,
)
from topics.corpus.checks import check_articles
from topics.corpus.duplicates import DEFAULT_THRESHOLD, near_duplicate_groups
from topics.errors import CorpusError, InputError, a_or_an, counted
from topics.errors import short as _short
from topics.text.cleaning import clean_article, join_headings
from topics.text.language import GERMAN_BELOW, MIN_WORDS, looks_german

__all__ = ["Article", "Corpus", "CorpusSummary", "TextUnit", "Unit"]

Unit = Literal["article", "paragraph"]


@dataclass(frozen=True)
class Article:
    """One news article as it was given.

    Attributes
    ----------
    id : str
        Unique within its corpus.
    text : str
        The raw text, boilerplate included (see :mod:`topics.text.cleaning` for the clean view).
    labels : tuple of str
        Its labels, the primary one first; empty when the article carries none (one string is
        one label, ``None`` none; a number or a mapping is an InputError).
    source_url : str or None
        Where the article comes from, when known.
    meta : Mapping
        Anything else the source file carried (read-only).
    """

    id: str
    text: str
    labels: tuple[str, ...] = ()
    source_url: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        labels = (self.labels,) if isinstance(self.labels, str) else self.labels  # one label
        if labels is None:  # as a JSON Lines record's "labels": null
            labels = ()
        if isinstance(labels, (bytes, Mapping)) or not isinstance(labels, Iterable):
            # was a bare TypeError from tuple(); a dict gave its keys
            raise InputError(f"Article {self.id!r}: labels={_short(labels)} is "
                             f"{a_or_an(type(labels).__name__)}; give a list of label strings, "
                             "one string for one label, or () for none")
        object.__setattr__(self, "labels", tuple(labels))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    @property
    def primary_label(self) -> str | None:
        """The first label, or ``None`` when the article carries no label."""
        return self.labels[0] if self.labels else None


@dataclass(frozen=True)
class TextUnit:
    """A modelling unit: a whole article or one paragraph of it, as clean text.

    Paragraph ids are ``"<article_id>#p<index>"``; a whole article keeps its id and has index 0.
    A unit carries the labels of its article.
    """

    id: str
    article_id: str
    text: str
    labels: tuple[str, ...]
    index: int = 0


@dataclass(frozen=True)
class CorpusSummary:
    """Counts that describe a corpus: articles per label, lengths, paragraphs."""

    name: str
    n_articles: int
    n_paragraphs: int
    label_counts: dict[str, int]
    n_unlabelled: int
    n_multi_label: int
    words_min: int
    words_median: float
    words_max: int
    words_total: int
    fingerprint: str
    n_near_duplicates: int = 0
    near_duplicate_groups: tuple[tuple[str, ...], ...] = ()
    n_groups_labelled_differently: int = 0
    not_german: tuple[str, ...] = ()
    repeated_paragraphs: tuple[str, ...] = ()  # their texts, cut to 80 characters

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as a JSON-ready dict."""
        return dict(self.__dict__)

    def __str__(self) -> str:
        width = max([len(label) for label in self.label_counts] + [len("(two or more)")])
        lines = [
            f"corpus {self.name}: {counted(self.n_articles, 'article')}, "
            f"{counted(self.n_paragraphs, 'paragraph')}, {counted(self.words_total, 'word')} "
            f"(per article min {self.words_min}, "
            f"median {self.words_median:g}, max {self.words_max})",
            f"fingerprint {self.fingerprint[:16]}",
            f"{'label':<{width}}  articles",
        ]
        lines += [f"{label:<{width}}  {count:>8}" for label, count in self.label_counts.items()]
        lines.append(f"{'(no label)':<{width}}  {self.n_unlabelled:>8}")
        lines.append(f"{'(two or more)':<{width}}  {self.n_multi_label:>8}")
        lines.append(self._duplicates_line())
        if self.repeated_paragraphs:
            lines.append(f"repeated paragraphs (in {DEFAULT_MIN_ARTICLES}+ distinct articles: site "
                         f"boilerplate): {len(self.repeated_paragraphs)}, first "
                         f"{self.repeated_paragraphs[0]!r} (Corpus.drop_repeated_paragraphs() "
                         "takes them out, as configs do)")
        if self.not_german:
            shown = ", ".join(self.not_german[:5]) + (", ..." if len(self.not_german) > 5 else "")
            lines.append(f"not German ({MIN_WORDS}+ words, under {GERMAN_BELOW:.0%} German function "
                         f"words): {counted(len(self.not_german), 'article')}: {shown}")
        return "\n".join(lines)

    def _duplicates_line(self) -> str:
        rule = f"word 5-gram Jaccard >= {DEFAULT_THRESHOLD:g}"
        if not self.n_near_duplicates:
            return f"near-duplicates ({rule}): none"
        groups = self.near_duplicate_groups
        shown = "; ".join(" = ".join(group) for group in groups[:3])
        more = f"; {counted(len(groups) - 3, 'more group')}" if len(groups) > 3 else ""
        differ = (f"; {counted(self.n_groups_labelled_differently, 'group')} labelled differently"
                  if self.n_groups_labelled_differently else "")
        return (f"near-duplicates ({rule}): {self.n_near_duplicates} article(s) repeat an earlier "
                f"one, {len(groups)} group(s): {shown}{more}{differ} "
                "(Corpus.drop_duplicates() keeps the first of each)")


class Corpus(Sequence[Article]):
    """An immutable, ordered collection of articles with a label set and a fingerprint.

    Parameters
    ----------
    articles : iterable of Article
        The articles; ids must be unique and texts non-empty.
    label_set : sequence of str, optional
        The allowed labels, in order. Default: the labels found, sorted.
    name : str
        A short name used in summaries and run records.
    origins : sequence of str, optional
        Where each article was read (file and line), for error messages.
    removed_paragraphs : sequence of RepeatedParagraph, optional
        What :meth:`drop_repeated_paragraphs` took out of the articles (kept by subsets).
    check_content : bool
        Also warn about articles whose clean text is only boilerplate, has no letters or is not
        German. This cleans every text, and the corpus keeps the clean articles for
        :meth:`clean_texts` and :meth:`units`. Subsets and slices leave it out: their corpus
        warned, and they share its clean articles.
    """

    def __init__(
        self,
        articles: Iterable[Article],
        label_set: Sequence[str] | None = None,
        name: str = "corpus",
        *,
        origins: Sequence[str] | None = None,
        removed_paragraphs: Sequence[RepeatedParagraph] = (),
        check_content: bool = True,
    ) -> None:
        if isinstance(articles, str | bytes) or not isinstance(articles, Iterable):
            raise CorpusError(f"{name}: expected articles (topics.Article), got "
                              f"{type(articles).__name__}")
        self._articles = tuple(articles)
        for i, article in enumerate(self._articles):
            if not all(hasattr(article, key) for key in ("id", "text", "labels")):
                # a plain text was an AttributeError on .labels
                raise CorpusError(
                    f"{name}: item {i} is {_short(article, 40)} ({type(article).__name__}), not a "
                    "topics.Article; make articles of texts first, e.g. [topics.Article(f'text{i}"
                    "', text) for i, text in enumerate(texts)] (fit_topic_model takes texts as "
                    "they are)")
        if isinstance(label_set, str):  # one label
            label_set = (label_set,)
        self.name = name
        self.removed_paragraphs = tuple(removed_paragraphs)
        if origins is None:
            origins = [
                f"{name}: article {i} (id {a.id!r})" for i, a in enumerate(self._articles, 1)
            ]
        # checked before the labels are sorted: a label that is no str is named, not a TypeError
        cleaned = check_articles(self._articles, label_set, origins, content=check_content)
        if cleaned is not None:  # cleaned for the check: kept for clean_texts() and units()
            self.__dict__["_cleaned"] = tuple(cleaned)
        found = sorted({label for article in self._articles for label in article.labels})
        self.label_set: tuple[str, ...] = (
            tuple(label_set) if label_set is not None else tuple(found)
        )

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> Corpus: ...
    def __getitem__(self, index: int | slice) -> Article | Corpus:
        if isinstance(index, slice):
            return self._derived(range(len(self._articles))[index])
        return self._articles[index]

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self._articles)

    def __repr__(self) -> str:
        return f"Corpus(name={self.name!r}, articles={len(self)}, fingerprint={self.fingerprint[:12]!r})"

    @cached_property
    def fingerprint(self) -> str:
        """sha256 (hex) over the ids, texts and labels, in order: equal content, equal fingerprint."""
        digest = hashlib.sha256()
        for article in self._articles:
            record = [article.id, article.text, list(article.labels)]
            digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()

    @property
    def ids(self) -> list[str]:
        """The article ids, in order."""
        return [article.id for article in self._articles]

    @property
    def texts(self) -> list[str]:
        """The raw article texts, in order."""
        return [article.text for article in self._articles]

    @property
    def labels(self) -> list[list[str]]:
        """The label lists, in order (an empty list means no label)."""
        return [list(article.labels) for article in self._articles]

    @property
    def primary_labels(self) -> list[str | None]:
        """The first label of each article, ``None`` where it has none."""
        return [article.primary_label for article in self._articles]

    @property
    def is_single_label(self) -> bool:
        """True when every article carries exactly one label (e.g. a news-category corpus)."""
        return all(len(article.labels) == 1 for article in self._articles)

    def clean_texts(self) -> list[str]:
        """The clean body of each article (see :func:`topics.clean_text`)."""
        return [clean.text for clean in self._cleaned]

    @cached_property
    def _cleaned(self) -> tuple[Any, ...]:
        return tuple(clean_article(article.text) for article in self._articles)

    def units(self, unit: Unit = "article") -> list[TextUnit]:
        """Return the modelling units as clean text.

        Parameters
        ----------
        unit : {"article", "paragraph"}
            Whole articles, or their paragraphs. A short heading (at most eight words, no closing
            punctuation) is joined to the paragraph after it rather than left as a unit of its own.

        Returns
        -------
        list of TextUnit
        """
        if unit == "article":
            return [
                TextUnit(a.id, a.id, clean.text, a.labels, 0)
                for a, clean in zip(self._articles, self._cleaned, strict=True)
            ]
        if unit != "paragraph":
            raise CorpusError(f"unit={unit!r} is not a text unit; use 'article' or 'paragraph'")
        units = []
        for article, clean in zip(self._articles, self._cleaned, strict=True):
            for index, text in enumerate(join_headings(clean.paragraphs)):
                units.append(
                    TextUnit(f"{article.id}#p{index}", article.id, text, article.labels, index)
                )
        return units

    def subset(self, indices: Iterable[int] | Iterable[bool]) -> Corpus:
        """Return the articles at ``indices`` as a new corpus with the same label set.

        Parameters
        ----------
        indices : iterable of int, or of bool
            Positions (a negative one counts from the end), or a boolean mask with one value per
            article, as numpy and pandas take it (``np.array(corpus.primary_labels) == "Sport"``):
            the articles where it is True.

        Returns
        -------
        Corpus
        """
        if isinstance(indices, str | bytes):
            raise CorpusError(f"subset: {indices!r} is a string; give positions or a boolean mask "
                              f"(by id: corpus.subset([corpus.ids.index({indices!r})]))")
        given = list(indices)
        if given and all(isinstance(i, bool | np.bool_) for i in given):
            if len(given) != len(self._articles):
                raise CorpusError(f"subset: a boolean mask of {counted(len(given), 'value')}; "
                                  f"corpus {self.name!r} has "
                                  f"{counted(len(self._articles), 'article')}, give one "
                                  "value per article")
            return self._derived([i for i, keep in enumerate(given) if keep])
        for i in given:
            if isinstance(i, bool | np.bool_) or not isinstance(i, Integral):
                raise CorpusError(f"subset: {i!r} is not a position; give whole numbers (0-"
                                  f"{len(self._articles) - 1}) or one bool per article")
        indices = [int(i) for i in given]
        wrong = [i for i in indices if not -len(self._articles) <= i < len(self._articles)]
        if wrong:
            raise CorpusError(f"subset: index {wrong[0]} is out of range; corpus {self.name!r} has "
                              f"{counted(len(self._articles), 'article')} (0-{len(self._articles) - 1})")
        return self._derived(indices)

    def _derived(self, indices: Sequence[int]) -> Corpus:
        """The articles at ``indices``: checked as records again (a subset may repeat one), not
        for their content, which warned when this corpus was made; cleaned forms carried over."""
        derived = Corpus([self._articles[i] for i in indices], self.label_set, self.name,
                         removed_paragraphs=self.removed_paragraphs, check_content=False)
        cleaned = self.__dict__.get("_cleaned")
        if cleaned is not None:
            derived.__dict__["_cleaned"] = tuple(cleaned[i] for i in indices)
        return derived

    def duplicates(self, threshold: float = DEFAULT_THRESHOLD) -> list[list[str]]:
        """Groups of near-duplicate articles (two or more ids each), in corpus order.

        Two articles are near-duplicates when at least ``threshold`` (Jaccard) of the distinct
        word 5-grams of their clean texts are shared: a reprint under another URL, with a new lead
        or a paragraph less, is one; two reports of one event in their own words are not. See
        :mod:`topics.corpus.duplicates`.
        """
        groups: dict[int, list[str]] = {}
        firsts = self.near_duplicate_groups(threshold).tolist()
        for article, group in zip(self._articles, firsts, strict=True):
            groups.setdefault(group, []).append(article.id)
        return [ids for ids in groups.values() if len(ids) > 1]

    def drop_duplicates(self, threshold: float = DEFAULT_THRESHOLD) -> Corpus:
        """The corpus without later near-duplicates: the first article of each group stays.

        Labels are not merged; :meth:`summary` counts the groups whose copies are labelled
        differently, which is worth a look before training.
        """
        groups = self.near_duplicate_groups(threshold)
        kept = self.subset(i for i, group in enumerate(groups.tolist()) if group == i)
        # the groups' first articles are distinct by construction: no second search on them
        distinct = np.arange(len(kept))
        distinct.flags.writeable = False
        kept._group_cache[threshold] = distinct
        return kept

    def repeated_paragraphs(
        self, min_articles: int = DEFAULT_MIN_ARTICLES
    ) -> list[RepeatedParagraph]:
        """Paragraphs found word for word (case and spacing aside) in ``min_articles`` or more
        distinct articles, most widespread first: a site's boilerplate (cookie and newsletter
        notes, disclaimers) that cleaning cannot tell from prose on one page. Near-duplicate
        articles count once. See :mod:`topics.corpus.boilerplate`."""
        min_articles = check_min_articles(min_articles)
        if min_articles not in self._repeated_cache:  # a run's drop and its summary both ask
            groups = self.near_duplicate_groups().tolist()
            self._repeated_cache[min_articles] = tuple(
                find_repeated([c.paragraphs for c in self._cleaned], groups, min_articles))
        return list(self._repeated_cache[min_articles])

    def drop_repeated_paragraphs(self, min_articles: int = DEFAULT_MIN_ARTICLES) -> Corpus:
        """The corpus without its :meth:`repeated_paragraphs`, or this corpus if it has none.

        A changed article's text becomes its clean text without them (ids, labels, source kept);
        an article that held nothing else is left out, with a warning. The new corpus lists what
        was taken out in ``removed_paragraphs`` (a run records it in ``corpus.json``).
        """
        found = self.repeated_paragraphs(min_articles)
        if not found:
            return self
        kept = without_repeated(self._articles, self._cleaned, found, self.name)
        return Corpus(kept, self.label_set, self.name,
                      removed_paragraphs=(*self.removed_paragraphs, *found))

    def near_duplicate_groups(self, threshold: float = DEFAULT_THRESHOLD) -> Any:
        """Per article, the index of the first article of its near-duplicate group (numpy array).

        An article that repeats none has its own index. Cross-validation keeps each group in one
        fold (:func:`topics.evaluate_classifiers`).
        """
        if threshold not in self._group_cache:
            groups = near_duplicate_groups(self.clean_texts(), threshold)
            groups.flags.writeable = False  # cached: the corpus is immutable, so are its groups
            self._group_cache[threshold] = groups
        return self._group_cache[threshold]

    @cached_property
    def _group_cache(self) -> dict[float, Any]:
        return {}

    @cached_property
    def _repeated_cache(self) -> dict[int, tuple[RepeatedParagraph, ...]]:
        return {}

    def summary(self) -> CorpusSummary:
        """Count articles per label, paragraphs and words."""
        counts = Counter(label for article in self._articles for label in article.labels)
        words = sorted(len(text.split()) for text in self.clean_texts())
        n = len(words)
        median = (words[(n - 1) // 2] + words[n // 2]) / 2 if n else 0.0
        return CorpusSummary(
            name=self.name,
            n_articles=n,
            n_paragraphs=len(self.units("paragraph")),
            label_counts={label: counts.get(label, 0) for label in self.label_set},
            n_unlabelled=sum(1 for a in self._articles if not a.labels),
            n_multi_label=sum(1 for a in self._articles if len(a.labels) > 1),
            words_min=words[0] if words else 0,
            words_median=median,
            words_max=words[-1] if words else 0,
            words_total=sum(words),
            fingerprint=self.fingerprint,
            **self._duplicate_counts(),
            repeated_paragraphs=tuple(r.text[:80] for r in self.repeated_paragraphs()),
            not_german=tuple(article.id for article, clean in
                             zip(self._articles, self.clean_texts(), strict=True)
                             if not looks_german(clean)),
        )

    def _duplicate_counts(self) -> dict[str, Any]:
        groups = self.duplicates()
        labels = {article.id: set(article.labels) for article in self._articles}
        return {
            "n_near_duplicates": sum(len(group) - 1 for group in groups),
            "near_duplicate_groups": tuple(tuple(group) for group in groups),
            "n_groups_labelled_differently": sum(
                1 for group in groups if any(labels[i] != labels[group[0]] for i in group)
            ),
        }
