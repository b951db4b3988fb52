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
With ``join_names=True`` (default) a run of at least two adjacent capitalised words with no
punctuation between them is joined into one token ("Phan Van Giang" -> ``phan_van_giang``) when
every word of the run looks like a name piece and at least one of them is clearly not German:

* *strong* piece: unknown to simplemma's German dictionary, not changed by lemmatisation, not a
  compound split-words can split, not a stop word, at most 12 letters (long unknown capitalised
  words are German compounds, not names);
* *weak* piece: a known word of at most 4 letters that is not a stop word or one of a few nouns
  that stand before names ("Dorf", "Amt"). Vietnamese syllables such as "Van", "Le", "Ho", "Nam",
  "Long" are in the German dictionary (as names or loan words), so "known" alone cannot separate
  them; short length can. A weak piece at a sentence start is not taken: in "Laut Phan Van Giang"
  "Laut" stays a German word and the name is ``phan_van_giang``.

Runs of known words only ("Angela Merkel") are not joined; each word stays one readable token.
Acronyms (USA, ASEAN) are never name pieces. Hyphenated words stay whole ("Ho-Chi-Minh-Stadt" ->
``ho-chi-minh-stadt``) and are split at the last hyphen into modifier and head (``ho-chi-minh``,
``stadt``).

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
not in :class:`GermanAnalyzer` objects, which only hold their settings and pickle small.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from sklearn.base import BaseEstimator, TransformerMixin

from topics.errors import ConfigError

__all__ = [
    "COMPOUND_THRESHOLD",
    "GermanAnalyzer",
    "GermanTokens",
    "analyse",
    "compound_lemma",
    "split_compound",
    "stop_words",
]

#: Minimum CharSplit score for a split (see notes/dependencies.md: 0 false splits on the sample).
COMPOUND_THRESHOLD = 0.5
# Shorter words are rarely compounds the splitter gets right (its parts need >= 3 letters each).
_MIN_SPLIT_LEN = 8
_MIN_PART_LEN = 3
_MIN_RECURSE_LEN = 10
_MAX_NAME_PIECE = 12
_MAX_WEAK_PIECE = 4
# Heads that almost only occur in place names (Salzburg, Frankreich, Vorarlberg); such words are
# not split. "-land" is split (Nachbarland, Partnerland), so "Deutschland" gives "deutsch" + "land".
_TOPONYM_HEADS = frozenset({"burg", "burger", "reich", "berg"})
# Short German nouns that stand before names ("Dorf Lo Lo Chai", "Land Laos"): never name pieces.
_NAME_TITLES = frozenset({"dorf", "amt", "land", "see", "berg", "tal", "gott", "kap"})
_TEXT_CACHE_SIZE = 20_000
_UMLAUT_FOLD = str.maketrans("äöü", "aou")
_LANG = "de"

# URLs and e-mail addresses carry no topic words; remove them before tokenising.
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# A word: letters/digits joined by inner hyphens, optional trailing hyphen for truncated
# coordinations ("Austausch-, Kooperations- und Öffentlichkeitsarbeit"). Any other non-space
# character, and a line break, is a separator: names never join across them.
_TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*-?|\n|[^\w\s]")
_SENTENCE_END = frozenset('.!?:;\n"»«“”„')

_DEFAULTS: dict[str, Any] = {
    "lowercase": True,
    "lemmatise": True,
    "split_compounds": True,
    "keep_compounds": True,
    "min_token_length": 2,
    "keep_numbers": False,
    "extra_stop_words": (),
    "join_names": True,
}
_BOOL_SETTINGS = (
    "lowercase",
    "lemmatise",
    "split_compounds",
    "keep_compounds",
    "keep_numbers",
    "join_names",
)


# --------------------------------------------------------------------------------------------
# data: stop words, lemmas, compounds (process-wide, settings-independent caches)


def _read_word_list(name: str) -> frozenset[str]:
    text = resources.files("topics").joinpath("data", name).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return the built-in German stop words (lower case).

    Returns
    -------
    frozenset of str
        spaCy's German list (``data/stopwords_de.txt``, MIT) plus the news domain list
        (``data/stopwords_domain_de.txt``).
    """
    return _read_word_list("stopwords_de.txt") | _read_word_list("stopwords_domain_de.txt")


@lru_cache(maxsize=1)
def _base_stops() -> frozenset[str]:
    return _read_word_list("stopwords_de.txt")


def _modern_spelling(word: str, lemma: str) -> str:
    # simplemma's dictionary holds pre-1996 spellings: "Prozesse" -> "Prozeß". Keep the "ss"
    # the text uses, so "Prozess" and "Prozesse" meet.
    if "ß" in lemma and "ß" not in word and "ss" in word.lower():
        return lemma.replace("ß", "ss")
    return lemma


@lru_cache(maxsize=1 << 18)
def _plain_lemma(word: str) -> str:
    import simplemma  # imported lazily: `import topics` must stay fast

    return _modern_spelling(word, simplemma.lemmatize(word, lang=_LANG))


@lru_cache(maxsize=1 << 18)
def _lemma(word: str) -> str:
    import simplemma

    lemma = _plain_lemma(word)
    if lemma == word and not _known(word):
        # Unknown words are mostly compounds and derived adjectives the dictionary lacks
        # ("Kooperationsmechanismen", "laotischen"); simplemma's greedy mode lemmatises them by
        # their known ending (-> "Kooperationsmechanismus", "laotisch"). Only for unknown words:
        # on known ones greedy mode can over-reduce.
        lemma = _modern_spelling(word, simplemma.lemmatize(word, lang=_LANG, greedy=True))
    return lemma


@lru_cache(maxsize=1 << 18)
def _known(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang=_LANG)


@lru_cache(maxsize=1)
def _ngram_probs() -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    # split-words reads a 40 MB JSON on first use (~2-3 s): do it once per process, lazily.
    from split_words.splitter import get_ngram_probs

    probs = get_ngram_probs()
    return probs["prefix"], probs["infix"], probs["suffix"]


_FUGEN_ENDINGS = ("ts", "gs", "ks", "hls", "ns")
_ONES = itertools.repeat(1)  # default of infix.get: n-grams never seen inside words favour a split


def _best_split(word: str) -> tuple[float, str, str]:
    """The best CharSplit split of ``word``: ``Splitter().split_compound(word)[0]``.

    Same result as split-words 0.1.3 (a test checks it), 2-3 times faster: the library looks
    up the same n-grams many times per split position and title-cases every candidate; here each
    distinct n-gram is looked up once and only the winner is title-cased.
    """
    prefix, infix, suffix = _ngram_probs()
    word = word.lower()
    best_score, best_n = None, 0
    for n in range(3, len(word) - 2):
        pre, rest = word[:n], word[n:]
        if pre.endswith(_FUGEN_ENDINGS) and n - 1 > 2:
            pre = word[: n - 1]  # the Fugen-s belongs to neither part
        start = rest[:-1] if rest.endswith(_FUGEN_ENDINGS) and len(rest) - 1 > 2 else rest
        inner = min(map(infix.get, [rest[:k] for k in range(3, len(rest) + 1)], _ONES))
        score = prefix.get(start, -1) - inner + suffix.get(pre, -1)
        # ">=": on equal scores the library's sort puts the longer modifier first
        if best_score is None or score >= best_score:
            best_score, best_n = score, n
    if best_score is None:
        return (0.0, word.title(), word.title())
    return (best_score, word[:best_n].title(), word[best_n:].title())


def _part_lemma(part: str) -> str | None:
    """Lemma of a compound part, Fugen removed; None when no form of it is a German word.

    Modifiers carry a Fugen-s or -es ("Verteidigungs", "Tages") or lose an -e ("Hilfs" ->
    "Hilfe"); heads carry inflection ("Übergänge"). The non-greedy lemma is used: simplemma's
    greedy mode turns short parts into odd words ("Gesamt" -> "samen").
    """
    candidates = [part]
    if part.endswith("s"):
        candidates += [part[:-1] + "e", part[:-1]]  # "Hilfs" -> "Hilfe" before "Hilf"
    if part.endswith("es"):
        candidates.append(part[:-2])
    for candidate in candidates:
        if len(candidate) >= _MIN_PART_LEN and _known(candidate):
            lemma = _plain_lemma(candidate)
            # A noun part keeps its first letters (umlauts aside: "Völker" -> "Volk"); a lemma
            # that does not is a participle reading ("Gesamt" -> "samen"): keep the part.
            same_start = _fold(lemma[:3]) == _fold(candidate[:3])
            return lemma if same_start else candidate
    return None


def _fold(text: str) -> str:
    return text.lower().translate(_UMLAUT_FOLD)


class _Split(NamedTuple):
    modifier: str  # surface, Fugen included: "Verteidigungs"
    head: str  # surface: "Zusammenarbeit"
    modifier_lemma: str
    head_lemma: str


@lru_cache(maxsize=1 << 18)
def _split(word: str) -> _Split | None:
    """The top split of ``word`` if it passes every check, else None."""
    if len(word) < _MIN_SPLIT_LEN or "-" in word:
        return None
    score, modifier, head = _best_split(word)
    if score < COMPOUND_THRESHOLD:
        return None  # at the default 0, "Regierung" -> "Regie" + "Rung"
    mod_lemma, head_lemma = _part_lemma(modifier), _part_lemma(head)
    if mod_lemma is None or head_lemma is None:
        return None  # guards against splitting names ("Chansamone") and fragments ("Res")
    if min(len(mod_lemma), len(head_lemma)) < _MIN_PART_LEN:
        return None
    if mod_lemma.lower() in _base_stops() or head_lemma.lower() in _base_stops():
        return None  # particle derivations ("Zusammen|arbeit", "Über|gang") are not compounds
    if head_lemma.lower() in _TOPONYM_HEADS:
        return None  # place names: "Salzburg" must not become "salz" + "burg"
    return _Split(modifier, head, mod_lemma, head_lemma)


@lru_cache(maxsize=1 << 18)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a German compound into lemmatised parts, recursively.

    Parameters
    ----------
    word : str
        One word, e.g. ``"Verteidigungszusammenarbeit"``.

    Returns
    -------
    tuple of str
        The lemmatised parts (``("Verteidigung", "Zusammenarbeit")``), or ``()`` when the word
        is not split: best CharSplit score below :data:`COMPOUND_THRESHOLD`, a part that is no
        German word, a particle or place-name part, or fewer than 8 letters. Parts of at least
        10 letters are split again, each after its own lemma (``Katastrophenhilfemaßnahmen`` ->
        Katastrophenhilfe, Katastrophe, Hilfe, Maßnahme); shorter parts are mostly lexicalised
        ("Plattform" is not "Platt" + "Form").
    """
    top = _split(word)
    if top is None:
        return ()
    parts: list[str] = []
    for lemma in (top.modifier_lemma, top.head_lemma):
        parts.append(lemma)
        if len(lemma) >= _MIN_RECURSE_LEN:
            parts.extend(split_compound(lemma))
    return tuple(parts)


def compound_lemma(word: str) -> str:
    """Lemma of a word; compounds unknown to simplemma are lemmatised by their head.

    German inflects only the head of a compound, so "Verteidigungsbeamte" ->
    "Verteidigungsbeamter" (modifier as written + lemma of "Beamte"), where simplemma alone
    would guess "Verteidigungsbeamt".

    Parameters
    ----------
    word : str
        One word.

    Returns
    -------
    str
        The lemma.
    """
    if _known(word):
        return _lemma(word)
    top = _split(word)
    if top is None:
        return _lemma(word)
    head = compound_lemma(top.head)
    return top.modifier + head.lower()


# --------------------------------------------------------------------------------------------
# settings


class _Settings(NamedTuple):
    lowercase: bool
    lemmatise: bool
    split_compounds: bool
    keep_compounds: bool
    min_token_length: int
    keep_numbers: bool
    extra_stop_words: tuple[str, ...]
    join_names: bool


def _check_settings(settings: dict[str, Any]) -> _Settings:
    unknown = sorted(set(settings) - set(_DEFAULTS))
    if unknown:
        raise ConfigError(
            f"unknown German analysis setting(s) {unknown}; allowed: {sorted(_DEFAULTS)}"
        )
    merged = {**_DEFAULTS, **settings}
    for name in _BOOL_SETTINGS:
        if not isinstance(merged[name], bool):
            raise ConfigError(
                f"German analysis setting {name!r} must be true or false, got {merged[name]!r}"
            )
    length = merged["min_token_length"]
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise ConfigError(
            f"German analysis setting 'min_token_length' must be an integer >= 1, got {length!r}"
        )
    extra = merged["extra_stop_words"]
    if extra is None:
        extra = ()
    if isinstance(extra, str) or not isinstance(extra, Iterable):
        raise ConfigError(
            f"German analysis setting 'extra_stop_words' must be a list of words, got {extra!r}"
        )
    extra = list(extra)
    if not all(isinstance(w, str) for w in extra):
        raise ConfigError(
            f"German analysis setting 'extra_stop_words' must contain only strings, got {extra!r}"
        )
    merged["extra_stop_words"] = tuple(sorted({w.strip().lower() for w in extra if w.strip()}))
    return _Settings(**merged)


# --------------------------------------------------------------------------------------------
# the engine: per-settings type and text caches


class _Engine:
    """Analysis for one settings tuple, with its word-type and text caches."""

    def __init__(self, settings: _Settings) -> None:
        self.s = settings
        self.stops = stop_words() | frozenset(settings.extra_stop_words)
        self.types: dict[str, tuple[str, ...]] = {}
        self.name_kind: dict[str, int] = {}
        self.texts: dict[str, tuple[str, ...]] = {}

    # -- one word type -> output tokens

    def word(self, token: str) -> tuple[str, ...]:
        out = self.types.get(token)
        if out is None:
            out = self.types[token] = self._finish(self._expand(token))
        return out

    def _expand(self, token: str) -> list[str]:
        """Lemma and compound parts of one surface token (before stop words and case)."""
        token = token.rstrip("-")
        if not token:
            return []
        if not any(ch.isalpha() for ch in token):  # "2025", "1995-2025", "²"
            return [token] if self.s.keep_numbers else []
        if "-" in token:
            return self._hyphenated(token)
        if token.lower() in self.stops:
            return []
        noun_like = token[0].isupper() and not token.isupper()  # not acronyms (ASEAN)
        lemma = token
        if self.s.lemmatise:
            lemma = compound_lemma(token) if noun_like else _lemma(token)
        parts: tuple[str, ...] = ()
        if self.s.split_compounds and noun_like:
            # Known words are split after their lemma: one split per lemma, not per inflected
            # form (a third fewer splits on 10kGNAD); unknown ones as written (see compound_lemma).
            parts = split_compound(lemma if self.s.lemmatise and _known(token) else token)
        if not parts:
            return [lemma]
        return [lemma, *parts] if self.s.keep_compounds else list(parts)

    def _hyphenated(self, token: str) -> list[str]:
        # "Ho-Chi-Minh-Stadt": keep the whole, split at the last hyphen into modifier + head.
        modifier, head = token.rsplit("-", 1)
        head_lemma = _lemma(head) if self.s.lemmatise and head[0].isalpha() else head
        whole = f"{modifier}-{head_lemma}"
        mod_out = self._expand(modifier) if "-" not in modifier else [modifier]
        parts = mod_out + self._expand(head)
        return [whole, *parts] if self.s.keep_compounds else parts

    def _finish(self, tokens: list[str]) -> tuple[str, ...]:
        """Drop stop words and short tokens, apply the case policy, de-duplicate."""
        out: list[str] = []
        for tok in tokens:
            low = tok.lower()
            if low in self.stops or len(tok) < self.s.min_token_length:
                continue
            tok = low if self.s.lowercase else tok
            if tok not in out:
                out.append(tok)
        return tuple(out)

    # -- names

    def kind(self, token: str) -> int:
        """2 = strong name piece, 1 = weak name piece, 0 = not a name piece (cached)."""
        k = self.name_kind.get(token)
        if k is None:
            k = self.name_kind[token] = _name_kind(token, self.stops)
        return k

    # -- a whole text

    def text(self, text: str) -> tuple[str, ...]:
        out = self.texts.get(text)
        if out is None:
            out = self._analyse(text)
            if len(self.texts) >= _TEXT_CACHE_SIZE:
                del self.texts[next(iter(self.texts))]  # drop the oldest entry
            self.texts[text] = out
        return out

    def _analyse(self, text: str) -> tuple[str, ...]:
        if "@" in text or "://" in text or "www." in text:
            text = _URL_RE.sub(" ", text)
        raw = _TOKEN_RE.findall(text)
        if not self.s.join_names:
            word = self.word
            return tuple(t for tok in raw if tok[0].isalnum() for t in word(tok))
        return tuple(self._with_names(raw))

    def _with_names(self, raw: list[str]) -> list[str]:
        out: list[str] = []
        run: list[str] = []
        run_start = True  # does the current run begin a sentence?
        at_start = True
        kinds, words = self.name_kind, self.types  # the hot loop: plain dict lookups
        for tok in raw:
            if not tok[0].isalnum():
                if run:
                    self._flush(run, run_start, out)
                at_start = tok in _SENTENCE_END
                continue
            kind = kinds.get(tok)
            if kind is None:
                kind = self.kind(tok)
            if kind:
                if not run:
                    run_start = at_start
                run.append(tok)
            else:
                if run:
                    self._flush(run, run_start, out)
                analysed = words.get(tok)
                out.extend(self.word(tok) if analysed is None else analysed)
            at_start = False
        self._flush(run, run_start, out)
        return out

    def _flush(self, run: list[str], sentence_start: bool, out: list[str]) -> None:
        if not run:
            return
        if sentence_start and self.name_kind[run[0]] == 1:
            out.extend(self.word(run.pop(0)))  # "Laut Phan Van Giang": "Laut" is German
        if len(run) >= 2 and any(self.name_kind[t] == 2 for t in run):
            name = "_".join(run)
            if name.lower() not in self.stops:  # extra_stop_words may name a person
                out.append(name.lower() if self.s.lowercase else name)
        else:
            for tok in run:
                out.extend(self.word(tok))
        run.clear()


def _name_kind(token: str, stops: frozenset[str]) -> int:
    if not token[0].isupper() or (len(token) > 1 and token.isupper()):
        return 0  # lower-case words and acronyms (USA, EU, ASEAN) are not name pieces
    low = token.lower()
    if not token.isalpha() or low in stops or low in _NAME_TITLES or len(token) > _MAX_NAME_PIECE:
        return 0
    if _known(token) or _known(token.lower()):
        return 1 if len(token) <= _MAX_WEAK_PIECE else 0
    if _lemma(token) != token or split_compound(token):
        return 0  # an inflected or compound German word ("Kriegsdrama"), not a name
    return 2


_ENGINES: dict[_Settings, _Engine] = {}


def _engine(settings: _Settings) -> _Engine:
    engine = _ENGINES.get(settings)
    if engine is None:
        engine = _ENGINES[settings] = _Engine(settings)
    return engine


def clear_caches() -> None:
    """Forget every cached analysis (texts, word types, lemmas, compound splits).

    The split-words model stays loaded. Used by benchmarks to measure a cold run.
    """
    _ENGINES.clear()
    for cached in (_lemma, _plain_lemma, _known, _split, split_compound):
        cached.cache_clear()


# --------------------------------------------------------------------------------------------
# public API


class GermanAnalyzer:
    """Callable German analyzer: text -> list of tokens.

    Usable as ``CountVectorizer(analyzer=GermanAnalyzer())``. Picklable: it holds only its
    settings; the caches are shared per settings in the process.

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
        Drop tokens shorter than this (>= 1).
    keep_numbers : bool, default False
        Keep tokens made only of digits.
    extra_stop_words : sequence of str, default ()
        Words to drop in addition to the built-in lists (compared in lower case, with both the
        surface form and the lemma).
    join_names : bool, default True
        Join names such as "Phan Van Giang" into one token ``phan_van_giang`` (see the module
        docstring for the rule).

    Raises
    ------
    topics.errors.ConfigError
        A setting has a wrong type or value; the message names it.
    """

    def __init__(
        self,
        lowercase: bool = True,
        lemmatise: bool = True,
        split_compounds: bool = True,
        keep_compounds: bool = True,
        min_token_length: int = 2,
        keep_numbers: bool = False,
        extra_stop_words: Sequence[str] = (),
        join_names: bool = True,
    ) -> None:
        # Plain attributes of simple types (bool, int, tuple of str): pickle, joblib and skops
        # store them as they are; the caches stay in the module.
        resolved = _check_settings(
            {name: value for name, value in locals().items() if name in _DEFAULTS}
        )
        self.lowercase = resolved.lowercase
        self.lemmatise = resolved.lemmatise
        self.split_compounds = resolved.split_compounds
        self.keep_compounds = resolved.keep_compounds
        self.min_token_length = resolved.min_token_length
        self.keep_numbers = resolved.keep_numbers
        self.extra_stop_words = resolved.extra_stop_words
        self.join_names = resolved.join_names

    def _key(self) -> _Settings:
        return _Settings(*(getattr(self, name) for name in _Settings._fields))

    @property
    def settings(self) -> dict[str, Any]:
        """The resolved settings as a plain dict (``extra_stop_words`` sorted, lower case)."""
        return self._key()._asdict()

    def __call__(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise TypeError(f"GermanAnalyzer expects a str, got {type(text).__name__}")
        return list(_engine(self._key()).text(text))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != _DEFAULTS[k]}
        return "GermanAnalyzer(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GermanAnalyzer) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())


_ANALYZERS: dict[_Settings, GermanAnalyzer] = {}
_DEFAULT_SETTINGS = _check_settings({})


def analyse(text: str, **settings: Any) -> list[str]:
    """Analyse German text into tokens: lemmas + compound parts, stop words out.

    Parameters
    ----------
    text : str
        Clean text (see :func:`topics.cleaning.clean_text`); raw text works too.
    **settings
        The :class:`GermanAnalyzer` settings.

    Returns
    -------
    list of str
        Tokens in text order.

    Examples
    --------
    >>> analyse("Die Verteidigungszusammenarbeit mit Phan Van Giang")
    ['verteidigungszusammenarbeit', 'verteidigung', 'zusammenarbeit', 'phan_van_giang']
    """
    key = _check_settings(settings) if settings else _DEFAULT_SETTINGS
    analyzer = _ANALYZERS.get(key)
    if analyzer is None:
        analyzer = _ANALYZERS[key] = GermanAnalyzer(**key._asdict())
    return analyzer(text)


class GermanTokens(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts -> lists of German tokens.

    Stateless: ``fit`` only checks the settings. The parameters are the
    :class:`GermanAnalyzer` settings.

    Parameters
    ----------
    lowercase, lemmatise, split_compounds, keep_compounds, min_token_length, keep_numbers,
    extra_stop_words, join_names
        See :class:`GermanAnalyzer`.
    """

    def __init__(
        self,
        lowercase: bool = True,
        lemmatise: bool = True,
        split_compounds: bool = True,
        keep_compounds: bool = True,
        min_token_length: int = 2,
        keep_numbers: bool = False,
        extra_stop_words: Sequence[str] = (),
        join_names: bool = True,
    ) -> None:
        self.lowercase = lowercase
        self.lemmatise = lemmatise
        self.split_compounds = split_compounds
        self.keep_compounds = keep_compounds
        self.min_token_length = min_token_length
        self.keep_numbers = keep_numbers
        self.extra_stop_words = extra_stop_words
        self.join_names = join_names

    def _analyzer(self) -> GermanAnalyzer:
        return GermanAnalyzer(**self.get_params())

    def fit(self, X: Iterable[str], y: Any = None) -> GermanTokens:
        """Check the settings; nothing is learned.

        Returns
        -------
        GermanTokens
            self
        """
        self._analyzer()
        return self

    def transform(self, X: Iterable[str]) -> list[list[str]]:
        """Analyse each text.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        list of list of str
            One token list per text.
        """
        analyzer = self._analyzer()
        return [analyzer(text) for text in X]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
