"""German tokens: the view of a text that bag-of-words models read.

``analyse(text)`` turns (clean) German text into a list of tokens: lemmas (simplemma), compound
parts (split-words, the CharSplit algorithm), German stop words removed, umlauts and ß kept,
names of people and places joined into one token.

Case policy
-----------
By default every token is **lower-cased** (``lowercase=True``), *after* lemmatisation. German
capitalises nouns and every sentence start, so without lower-casing "Zusammenarbeit" (a compound
part, title-cased by the splitter), "Die" at a sentence start and "die" inside a sentence would be
different topic words. Lemmatisation reads the original case first, because simplemma uses it to
tell nouns from verbs ("Essen" vs "essen"). Lemmas, not stems, so topic words stay readable real
words ("vertrag", not the stem "vertrag"/"verträg"). With ``lowercase=False`` tokens keep the
case of their lemma (nouns capitalised: "Vertrag"); joined names keep their spelling.

Lemmas
------
simplemma's dictionary lemma; for words it does not know (mostly compounds and derived
adjectives) the head of a compound is lemmatised ("Verteidigungsbeamte" -> "Verteidigungsbeamter")
or, failing a split, simplemma's greedy mode ("laotischen" -> "laotisch"). Its pre-1996 spellings
are undone when the text writes "ss" ("Prozesse" -> "prozess", not "prozeß").

Name policy
-----------
With ``join_names=True`` (default) runs of capitalised name pieces are joined into one token
("Phan Van Giang" -> ``phan_van_giang``, "Lang Son" -> ``lang_son``): see
:mod:`topics.text.names` for which words are pieces and when a run is a name. Hyphenated words
stay whole ("Ho-Chi-Minh-Stadt" -> ``ho-chi-minh-stadt``) and are split at the last hyphen into
modifier and head (``ho-chi-minh``, ``stadt``).

Compounds
---------
Capitalised words of at least 8 letters are split with split-words (CharSplit) when the best
split scores at least ``COMPOUND_THRESHOLD`` (0.5; at the default 0 CharSplit splits "Regierung"
into "Regie" + "Rung") and both parts, after lemmatisation, are German dictionary words.
Lemmatising the parts strips the Fugen-s ("Verteidigungs" -> "Verteidigung"), restores a lost -e
("Hilfs" -> "Hilfe") and truncated modifiers ("Grenz" -> "Grenze" by simplemma's lemma lookup).
Parts of at least 10 letters are split again ("Katastrophenhilfe"); shorter ones are mostly
lexicalised ("Plattform" is not "Platt" + "Form"). Not split: particle derivations
("Zusammenarbeit": "zusammen" is a stop word) and place names ending in -burg/-berg/-reich
("Salzburg"). With ``keep_compounds=True`` the compound lemma and its parts are both emitted, so
"Verteidigungszusammenarbeit" and "Zusammenarbeit" meet.

Caching
-------
Work is cached per word type (a corpus has far fewer types than tokens) and per text and
settings, so a corpus is analysed once per settings within a process. Caches live in the module,
not in :class:`GermanAnalyzer` objects, which only hold their settings and pickle small. Every
cache is bounded, so memory does not grow with the amount of text analysed: the word-type cache
is emptied when it holds :data:`TYPE_CACHE_SIZE` types (the lemma and compound caches of
:mod:`~topics.text.lexicon` keep the work cheap to redo), the text cache forgets its oldest texts
beyond 20,000 texts or :data:`TEXT_CACHE_CHARS` characters. A streamed corpus, each text seen
once, bypasses the text cache (:meth:`GermanAnalyzer.stream`).
"""

from __future__ import annotations

import re
from collections import OrderedDict, namedtuple
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, compress, count
from typing import Annotated, Any

from annotated_types import Ge

from topics.errors import not_text
from topics.schema import schema_of
from topics.text import lexicon, names, surface

__all__ = [
    "ANALYSIS_SCHEMA",
    "TEXT_CACHE_CHARS",
    "TYPE_CACHE_SIZE",
    "AnalysisSettings",
    "GermanAnalyzer",
    "analyse",
    "clear_caches",
]

_TEXT_CACHE_SIZE = 20_000
#: The text cache forgets its oldest texts beyond this many characters (keys; ~100 MB with tokens).
TEXT_CACHE_CHARS = 1 << 25
#: The word-type cache of one analysis setting is emptied when it holds this many types (~15 MB):
#: 10kGNAD's 721 articles have 41,000. The word caches of the lexicon (emptied on their own
#: schedule, :mod:`~topics.text.wordcache`) usually still hold the words, so learning them again
#: after emptying is cheap.
TYPE_CACHE_SIZE = 1 << 16

# URLs and e-mail addresses carry no topic words; remove them before tokenising.
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# A word: letters/digits joined by inner hyphens, optional trailing hyphen for truncated
# coordinations ("Austausch-, Kooperations- und Öffentlichkeitsarbeit"). Any other non-space
# character, and a line break, is a separator: names never join across them. That is
# [^\W_]+(?:-[^\W_]+)*-?|\n|[^\w\s], written to open with one character class (what a token
# starts with), which the regex engine skips to: 10 % faster (tests check they are the same).
# Its repeats are possessive (*+): what follows them always matches, so they are never backtracked
# into and the engine need not keep their backtracking points (findall on 10kGNAD: 58 -> 52 ms).
_TOKEN_RE = re.compile(r"[\n\S](?:(?<=[^\W_])[^\W_]*+(?:-[^\W_]+)*+-?|(?<=\W))")
# The same for text below U+0100 (696 of 10kGNAD's 721 articles), [^\W_] written out as the
# characters it holds there: the engine tests such a class with one bit of a table instead of
# Unicode category look-ups (findall on those articles: 53 -> 39 ms).
_LATIN1_WORD = "[" + "".join(re.escape(chr(c)) for c in range(0x100) if chr(c).isalnum()) + "]"
_LATIN1_TOKEN_RE = re.compile(
    rf"[\n\S](?:(?<={_LATIN1_WORD}){_LATIN1_WORD}*+(?:-{_LATIN1_WORD}+)*+-?|(?<=\W))"
)


# --------------------------------------------------------------------------------------------
# public API


class GermanAnalyzer:
    """Callable German analyzer: text -> list of tokens.

    Usable as ``CountVectorizer(analyzer=GermanAnalyzer())``. Picklable: it holds only its
    settings; the caches are shared per settings in the process. Its parameters are the analysis
    settings everywhere (the ``analysis`` config section, the topic models, :func:`analyse`).

    Parameters
    ----------
    lowercase : bool, default True
        Lower-case every token after lemmatisation (see the module docstring).
    lemmatise : bool, default True
        Replace words by their simplemma lemma ("Verträge" -> "vertrag").
    split_compounds : bool, default True
        Add the parts of German compounds ("verteidigung", "zusammenarbeit"). Parts are always
        lemmatised: that is how the Fugen-s goes ("Verteidigungs" -> "verteidigung").
    keep_compounds : bool, default True
        Keep the compound itself next to its parts.
    min_token_length : int, default 2
        Drop tokens shorter than this (>= 1), joined names too.
    keep_numbers : bool, default False
        Keep tokens made only of digits.
    extra_stop_words : sequence of str, default ()
        Words to drop in addition to the built-in lists (compared in lower case, with both the
        surface form and the lemma).
    join_names : bool, default True
        Join names such as "Phan Van Giang" into one token ``phan_van_giang`` (see the module
        docstring for the rule).
    **unknown
        Not a setting: any other name is refused with the ConfigError :func:`analyse` gives.

    Raises
    ------
    topics.errors.ConfigError
        A setting is unknown or has a wrong type or value; the message names it.
    """

    def __init__(
        self,
        lowercase: bool = True,
        lemmatise: bool = True,
        split_compounds: bool = True,
        keep_compounds: bool = True,
        min_token_length: Annotated[int, Ge(1)] = 2,
        keep_numbers: bool = False,
        extra_stop_words: Sequence[str] = (),
        join_names: bool = True,
        **unknown: Any,
    ) -> None:
        # Plain attributes of simple types (bool, int, tuple of str): pickle, joblib and skops
        # store them as they are; the caches stay in the module. Unknown names are collected
        # (not left to Python's TypeError) so that GermanAnalyzer(stemming=True) fails with the
        # ConfigError of analyse("...", stemming=True): one message naming the allowed settings.
        given = {name: value for name, value in locals().items() if name in ANALYSIS_SCHEMA}
        given.update(unknown)
        for name, value in _resolve(given).items():
            setattr(self, name, value)

    def _key(self) -> AnalysisSettings:
        return AnalysisSettings(*(getattr(self, name) for name in AnalysisSettings._fields))

    @property
    def settings(self) -> dict[str, Any]:
        """The resolved settings as a plain dict (``extra_stop_words`` sorted, lower case)."""
        return self._key()._asdict()

    def __call__(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise not_text(text, "GermanAnalyzer")
        return list(_engine(self._key()).text(text))

    def stream(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """Analyse texts one after another, without keeping them in the text cache.

        For a corpus read as a stream (every text seen once): the tokens are those of
        ``self(text)``, the word-type caches work as usual and stay bounded, and no text is
        held after its tokens are returned.

        Parameters
        ----------
        texts : iterable of str

        Yields
        ------
        list of str
            The tokens of each text, in order.
        """
        engine = _engine(self._key())
        for text in texts:
            if not isinstance(text, str):
                raise not_text(text, "GermanAnalyzer.stream")
            yield list(engine.uncached(text))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != _DEFAULTS[k]}
        return "GermanAnalyzer(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GermanAnalyzer) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())


#: The analysis settings: GermanAnalyzer's parameters, types and help (the one place they are listed).
ANALYSIS_SCHEMA = schema_of(GermanAnalyzer, "the German analysis")
#: One analysis configuration, hashable: the key of the per-settings caches.
AnalysisSettings = namedtuple("AnalysisSettings", ANALYSIS_SCHEMA.names)  # type: ignore[misc]
_DEFAULTS = ANALYSIS_SCHEMA.defaults()


def _resolve(settings: dict[str, Any]) -> dict[str, Any]:
    """Checked settings; ``extra_stop_words`` as a sorted tuple of lower-case words."""
    if any(value != _DEFAULTS[name] for name, value in settings.items() if name in _DEFAULTS):
        ANALYSIS_SCHEMA.validate(settings)  # pydantic is only paid for non-default settings
    elif set(settings) - set(_DEFAULTS):
        ANALYSIS_SCHEMA.validate(settings)  # unknown names
    merged = {**_DEFAULTS, **settings}
    extra = merged["extra_stop_words"] or ()
    merged["extra_stop_words"] = tuple(sorted({w.strip().lower() for w in extra if w.strip()}))
    return merged


# --------------------------------------------------------------------------------------------
# the engine: per-settings type and text caches


class _Engine:
    """Analysis for one settings tuple, with its word-type and text caches."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.s = settings
        self.stops = lexicon.stop_words() | frozenset(settings.extra_stop_words)
        # every token seen (words and separators) -> its output tokens
        self.types: dict[str, tuple[str, ...]] = {}
        # name pieces only: token -> its kind (names.piece_kind); words absent here are no pieces
        self.name_kind: dict[str, int] = {}
        self.texts: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self.text_chars = 0  # characters of the texts in self.texts

    # -- one word type -> output tokens

    def word(self, token: str) -> tuple[str, ...]:
        if token not in self.types:
            self._learn_new((token,))
        return self.types[token]

    def _expand(self, token: str) -> list[str]:
        """Lemma and compound parts of one surface token (before stop words and case)."""
        return self._expand_known(token)[0]

    def _expand_known(self, token: str) -> tuple[list[str], bool | None]:
        """:meth:`_expand`, and whether simplemma knows the word (None: not looked up), which
        names.piece_kind then need not ask again."""
        token = token.rstrip("-")
        if not token:
            return [], None
        if not token[0].isalpha() and not any(ch.isalpha() for ch in token):  # "2025", "²"
            return ([token] if self.s.keep_numbers else []), None
        if "-" in token:
            return self._hyphenated(token), None
        if token.lower() in self.stops:
            return [], None
        noun_like = token[0].isupper() and not token.isupper()  # not acronyms (ASEAN)
        lemma, known = token, None
        if self.s.lemmatise:
            lemma, known = lexicon.lemma_known(token, compound=noun_like)
        parts: tuple[str, ...] = ()
        if self.s.split_compounds and noun_like:
            # Known words are split after their lemma: one split per lemma, not per inflected
            # form (a third fewer splits on 10kGNAD); unknown ones as written (see compound_lemma).
            parts = lexicon.split_compound(lemma if known else token)
        if not parts:
            return [lemma], known
        return ([lemma, *parts] if self.s.keep_compounds else list(parts)), known

    def _hyphenated(self, token: str) -> list[str]:
        # "Ho-Chi-Minh-Stadt": keep the whole, split at the last hyphen into modifier + head.
        modifier, head = token.rsplit("-", 1)
        if head[0].islower() and len(head) >= 4 and "-" not in modifier and modifier.isalpha():
            # A word cut at a line end ("Zusam-menarbeit"): two pieces that are no words, joined
            # a word (or a compound), were one word, not "zusam" + "menarbeit". Hyphenated loan
            # words stay as written: their head is a word ("audio-visuell", "Play-off") or
            # short ("Know-how").
            joined = modifier + head
            if not (lexicon.is_known(modifier) or lexicon.is_known(head)) and (
                lexicon.is_known(joined) or lexicon.split_compound(joined)
            ):
                return self._expand(joined)
        head_lemma = lexicon.lemma(head) if self.s.lemmatise and head[0].isalpha() else head
        whole = f"{modifier}-{head_lemma}"
        mod_out = self._expand(modifier) if "-" not in modifier else [modifier]
        parts = mod_out + self._expand(head)
        return [whole, *parts] if self.s.keep_compounds else parts

    def _finish(self, tokens: list[str]) -> tuple[str, ...]:
        """Drop stop words and short tokens, apply the case policy, de-duplicate."""
        stops, min_length, lowercase = self.stops, self.s.min_token_length, self.s.lowercase
        if len(tokens) == 1:  # most words: no loop, no list
            tok = tokens[0]
            low = tok.lower()
            return () if low in stops or len(tok) < min_length else (low if lowercase else tok,)
        out: list[str] = []
        for tok in tokens:
            low = tok.lower()
            if low in stops or len(tok) < min_length:
                continue
            tok = low if lowercase else tok
            if tok not in out:
                out.append(tok)
        return tuple(out)

    # -- names

    def kind(self, token: str) -> int:
        """The token's kind as a name piece (:func:`topics.text.names.piece_kind`; 0: none)."""
        if token not in self.types:
            self._learn_new((token,))
        return self.name_kind.get(token, 0)

    # -- a whole text

    def text(self, text: str) -> tuple[str, ...]:
        texts = self.texts
        out = texts.get(text)
        if out is None:
            out = self._analyse(text)
            self.text_chars += len(text)
            texts[text] = out
            while len(texts) > _TEXT_CACHE_SIZE or self.text_chars > TEXT_CACHE_CHARS:
                oldest, _ = texts.popitem(last=False)
                self.text_chars -= len(oldest)
        return out

    def uncached(self, text: str) -> tuple[str, ...]:
        """The tokens of ``text``, from the text cache if it is there, else not stored in it."""
        out = self.texts.get(text)
        return self._analyse(text) if out is None else out

    def _learn_new(self, tokens: Iterable[str]) -> None:
        """Learn the types not yet known; when the type cache is full it is emptied first (the
        words a text needs are all learnt after that, so a text never misses one)."""
        # The text's distinct tokens first: a word type is then looked up in the large type cache
        # once, not at each occurrence (~1 % of analysing unseen text)
        new = set(tokens).difference(self.types)
        if len(self.types) + len(new) > TYPE_CACHE_SIZE:
            self.types.clear()
            self.name_kind.clear()
            new = set(tokens)
        self._learn(new)

    def _learn(self, tokens: Iterable[str]) -> None:
        """Analyse new token types: their output tokens and, for names, their piece kind."""
        types, kinds, stops = self.types, self.name_kind, self.stops
        join = self.s.join_names
        for tok in tokens:
            if not tok[0].isalnum():
                types[tok] = ()  # a separator: no output, ends a name
                continue
            out, known = self._expand_known(tok)
            types[tok] = self._finish(out)
            if join and tok[0].isupper():  # (piece_kind is 0 for the others)
                kind = names.piece_kind(tok, stops, known)
                if kind:
                    kinds[tok] = kind

    def _analyse(self, text: str) -> tuple[str, ...]:
        # The per-token work runs in C (findall, map, compress, chain); Python code runs once per
        # new word type (_learn) and once per run of name pieces (_join).
        text = surface.prepare(text)
        if "@" in text or "://" in text or "www." in text:
            text = _URL_RE.sub(" ", text)
        raw = (_LATIN1_TOKEN_RE if surface.is_latin1(text) else _TOKEN_RE).findall(text)
        types = self.types
        try:
            outs = list(map(types.__getitem__, raw))
        except KeyError:
            self._learn_new(raw)
            outs = list(map(types.__getitem__, raw))
        if self.s.join_names:
            pieces = list(compress(count(), map(self.name_kind.get, raw)))
            if pieces:
                self._join(raw, outs, pieces)
        return tuple(chain.from_iterable(outs))

    def _join(self, raw: list[str], outs: list[tuple[str, ...]], pieces: list[int]) -> None:
        """Replace the outputs of each run of adjacent name pieces by the joined name."""
        names.join_runs(raw, outs, pieces, self.name_kind, self.stops, self.s.lowercase,
                        self.s.min_token_length)


_ENGINES: dict[AnalysisSettings, _Engine] = {}


def _engine(settings: AnalysisSettings) -> _Engine:
    engine = _ENGINES.get(settings)
    if engine is None:
        engine = _ENGINES[settings] = _Engine(settings)
    return engine


def clear_caches() -> None:
    """Forget every cached analysis (texts, word types, lemmas, compound splits).

    The word tables stay loaded. Used by benchmarks to measure a cold run.
    """
    _ENGINES.clear()
    lexicon.clear_caches()


_ANALYZERS: dict[AnalysisSettings, GermanAnalyzer] = {}
_DEFAULT_KEY = AnalysisSettings(**_resolve({}))


def analyse(text: str, **settings: Any) -> list[str]:
    """Analyse German text into tokens: lemmas + compound parts, stop words out.

    Parameters
    ----------
    text : str
        Clean text (see :func:`topics.text.cleaning.clean_text`); raw text works too.
    **settings
        The :class:`GermanAnalyzer` settings.

    Returns
    -------
    list of str
        Tokens in text order.

    Raises
    ------
    topics.errors.NotTextError
        ``text`` is not a str (None, bytes, a number, a list): an InputError, and also a
        ``TypeError``; the message names ``text`` and what to pass.
    topics.errors.ConfigError
        A setting is unknown or has a wrong value.

    Examples
    --------
    >>> analyse("Die Verteidigungszusammenarbeit mit Phan Van Giang")
    ['verteidigungszusammenarbeit', 'verteidigung', 'zusammenarbeit', 'phan_van_giang']
    """
    if not isinstance(text, str):  # was GermanAnalyzer's bare TypeError
        raise not_text(text, "analyse")
    key = AnalysisSettings(**_resolve(settings)) if settings else _DEFAULT_KEY
    analyzer = _ANALYZERS.get(key)
    if analyzer is None:
        analyzer = _ANALYZERS[key] = GermanAnalyzer(**key._asdict())
    return analyzer(text)
