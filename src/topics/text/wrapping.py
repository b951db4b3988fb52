"""Hard-wrapped text put back into one line per paragraph.

Some text extractors and terminal browsers (html2text wraps at 78 characters, ``lynx -dump`` and
``w3m -dump`` at the terminal's width, ``fmt`` at 75) break every paragraph into lines of a fixed
width. Cleaning reads a page line by line, and a wrapped line has no closing punctuation and at
most 25 words: it reads as a headline, a menu item or a teaser, and the classifier leaves it out.
An article wrapped at 72 characters kept only the lines that happened to end a sentence.

A text is wrapped when most of its breaks between two non-blank lines fall inside a sentence and
were made because the next word did not fit a width W: the line is at most W characters long,
and the line, a space and the next line's first word are longer (this is how a greedy wrapper
decides). W is the width at which most breaks are of that kind (between 30 and 150 characters),
and hardly any line may be longer than W (a long URL can be). Breaks after a sentence do not
count: paragraphs of about the same length, each ending a sentence, fit one width too, but a
wrapper mostly breaks inside sentences. In such a text the breaks at W are undone; a break
where the next word would have fit is a real one (the end of a paragraph, a headline). Text
with a paragraph per line is left as it is: its paragraphs are longer than any width at which
its breaks would look wrapped.

A text too short for that judgement (two or three lines, or one or two wrapped breaks among
paragraphs) still has breaks that cannot be anything but wrapped: a line that stops inside a
sentence on an article, a conjunction or a preposition that is no verb particle ("... mit den
Amtskollegen und" / "vereinbarten ..."), a comma or a declined adjective ("... der russischen" /
"Delegation"), or a next line that starts in lower case ("... hat am Montag seinen" /
"chinesischen ..."). No headline, menu item or paragraph ends on "und", "der" or a comma, and a
German one does not start in lower case; those breaks are undone in any text.

Text copied from a PDF, or set in a proportional font, is wrapped at a width in points, not in
characters: its lines end inside sentences at lengths that vary by a quarter (60 to 80
characters), and no one width fits its breaks. It is recognised by the same signs with a looser
width: most breaks fall inside a sentence, the lines before them fill at least three quarters of
the widest such line, and its lines show running text: a sentence ends inside them, or they end
where no line can end but inside a sentence (on "und", a comma, a cut word; see below). A list of
headlines or teasers, whose lines may be as alike in length, shows neither. Its breaks inside a
sentence after a full line are undone; a shorter line keeps its break unless it cannot end there
(it may be a headline or the end of a paragraph).

A word split at the end of a line ("Zusam-" / "menarbeit") is put back together without the
hyphen when the hyphen cannot be the word's own: the word goes on in lower case after a noun's
start (a compound with a hyphen goes on in upper case: "Vietnam-Besuch") or after anything but an
adjective that joins another ("zusammen-" / "arbeiten", "wissenschaft-" / "liche"). The hyphen
between two adjectives, each a word and together none, is kept: "vietnamesisch-" /
"chinesischen" is "vietnamesisch-chinesischen"; so is one after an abbreviation ("UN-" /
"geführte") or before an upper-case word ("E-" / "Mail").
"""

from __future__ import annotations

import re

from topics.text.lemmatizer import is_known

__all__ = ["unwrap_lines"]

# At least this many breaks look wrapped, and at least this share of the breaks between two
# non-blank lines; at most this share of the non-blank lines is longer than the width (a URL or
# another word too long to wrap); the width between these (a column of short items is not wrapped
# text, and wrappers break for screens and mails, at 60 to 132 characters: a page whose
# paragraphs are 400 characters long is not wrapped at 406).
_MIN_WRAPPED = 3
_MIN_SHARE = 0.5
_MAX_OVER = 0.1
_MIN_WIDTH = 30
_SENTENCE_END = tuple(".!?")
_MAX_WIDTH = 150
# An unevenly wrapped line fills at least this share of the widest ones (the width is the widest
# line that ends inside a sentence but the longest tenth: a URL); at least this share of the text's
# lines show running text (:func:`_prose_lines`).
_RAGGED_FILL = 0.75
_RAGGED_TOP = 0.9
_MIN_PROSE = 0.2
_INNER_END = re.compile(r"[.!?][\"'“”»«)]*\s+[\"'„“«»(]*[A-ZÄÖÜ0-9]")
# Words a line cannot end on unless its sentence goes on: articles, conjunctions, prepositions
# that are no verb particle ("an", "auf", "zu" end a clause: "Vietnam kündigt Reformen an"),
# possessives. A closed class, so the list can be complete, unlike a stop-word list.
_CONTINUING = frozenset({
    "der", "die", "das", "den", "dem", "des", "eine", "einen", "einem", "einer", "eines",
    "und", "oder", "sowie", "sondern", "dass", "weil", "wenn", "ob",
    "von", "vom", "zum", "zur", "im", "am", "beim", "für", "zwischen", "seit", "ohne", "trotz",
    "während", "wegen", "gemäß",
    "seine", "seinen", "seinem", "seiner", "seines", "ihre", "ihren", "ihrem", "ihrer", "ihres",
    "unsere", "unseren", "unserem", "unserer", "unseres",
})
# A declined adjective before its noun ("... mit den vietnamesischen" / "Partnern"): lower case,
# with the endings of adjectives only (not "-igen", "-baren": verbs such as "verteidigen" and
# "vereinbaren" end a headline).
_ATTRIBUTIVE = re.compile(
    r"[a-zäöüß]{3,}(?:(?:isch|lich|sam)(?:e|en|er|es|em)|(?:ig|bar)(?:e|er|es|em))"
)


def _first_word(line: str) -> str:
    return line.split(maxsplit=1)[0]


def _best_width(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The widths ``[low, high)`` inside the most spans ``[start, end)`` (the first such run of
    widths; ``(0, 0)`` for no span): every width of it is inside the same spans."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    best = inside = 0
    low = high = 0
    for i, (at, step) in enumerate(events):  # an end sorts before a start at the same place
        inside += step
        if inside > best:
            best, low, high = inside, at, events[i + 1][0]  # an end always follows a start
    return low, high


# The words after a suspended hyphen ("Ein- und Ausreise", "Grenz- oder Zollbeamte"): the hyphen
# ends a word of its own. Any other word after a hyphen at a line's end is the word's other half.
_AFTER_SUSPENDED_HYPHEN = frozenset({"und", "oder", "bis", "sowie", "bzw.", "noch", "als", "wie"})
# How an adjective's stem ends (the part before a hyphen that joins two adjectives).
_ADJECTIVE_STEM = re.compile(r"(?:sch|lich|ig|al|ell|iv|är|ar|bar|sam|haft|los)$")


def _joined(line: str, after: str) -> str:
    """``line`` and the next line of its paragraph as one: a word cut after its own hyphen
    ("vietnamesisch-" / "chinesischen", "E-" / "Mail") joins without a space, a word cut by the
    line's end ("Zusam-" / "menarbeit") without its hyphen too, a suspended hyphen ("Ein-" /
    "und Ausreise") keeps the space."""
    if (
        len(line) >= 2
        and line.endswith("-")
        and line[-2].isalnum()
        and _first_word(after) not in _AFTER_SUSPENDED_HYPHEN
    ):
        if _split_by_the_line(line[:-1].rsplit(None, 1)[-1], _first_word(after)):
            return line[:-1] + after
        return line + after
    return f"{line} {after}"


def _split_by_the_line(start: str, rest: str) -> bool:
    """Whether the hyphen between ``start`` and the next line's ``rest`` was put there by the
    line's end: the rest goes on in lower case, after a noun's start (a compound written with a
    hyphen goes on in upper case: "Vietnam-Besuch") or after anything but an adjective, whose
    hyphen joins another ("vietnamesisch-chinesischen", "wirtschaftlich-politisch"). The
    dictionary says whether both parts are words and together none ("nachhal-" / "tige" and
    "wissenschaft-" / "liche" join); its tables open on the first start that ends like an
    adjective."""
    start = start.lstrip("(\"'„“«»‚‘")
    if not start.replace("-", "").isalpha():  # a URL, a number: "viet-nam-" / "camuchia"
        return False
    start = start.rsplit("-", 1)[-1]  # "Vietnam-Zusam-": the last part
    rest = rest.rstrip(".,;:!?)\"'“”»«")
    if not (start.isalpha() and rest.isalpha() and rest[0].islower()) or start.isupper():
        return False  # an abbreviation's hyphen is its own: "UN-" / "geführte", "EU-" / "weit"
    pair = (  # two adjectives: each a word, together none ("deutschlandweit" is one)
        start[0].islower() and _ADJECTIVE_STEM.search(start) is not None
        and is_known(start) and is_known(rest) and not is_known(start + rest)
    )
    return not pair


def unwrap_lines(lines: list[str]) -> list[str]:
    """``lines`` with the breaks of a hard-wrapped text undone (see the module docstring).

    Parameters
    ----------
    lines : list of str
        The page's lines (``str.splitlines()``).

    Returns
    -------
    list of str
        The same lines when the text is not wrapped; otherwise each wrapped paragraph as one line
        (blank lines stay where they were).
    """
    if len(lines) <= _MIN_WRAPPED:
        return _join_continuing(lines)
    stripped = [line.strip() for line in lines]
    filled = sum(bool(line) for line in stripped)
    if sum(len(line) > _MAX_WIDTH for line in stripped) > _MAX_OVER * filled:
        return lines  # longer than any width, as a paragraph per line is: not wrapped
    # each break between two non-blank lines is wrapped at the widths [len(line), len + 1 + word)
    pairs = list(zip(stripped, stripped[1:], strict=False))  # each line and the next
    breaks = sum(bool(line) and bool(after) for line, after in pairs)
    # the text is judged by its breaks inside a sentence: paragraphs of about the same length,
    # each ending a sentence, fit one width too, but a wrapper mostly breaks inside sentences
    inside = [bool(line) and bool(after) and not line.endswith(_SENTENCE_END)
              for line, after in pairs]
    spans = [
        (len(line), len(line) + 1 + len(_first_word(after)))
        for (line, after), judged in zip(pairs, inside, strict=True)
        if judged
    ]
    width, high = _best_width(spans)
    wrapped = [
        bool(line) and bool(after) and len(line) <= width < len(line) + 1 + len(_first_word(after))
        for line, after in pairs
    ]
    n_wrapped = sum(w and judged for w, judged in zip(wrapped, inside, strict=True))
    over = sum(len(line) >= high for line in stripped)  # longer than any width of the run
    if (
        not _MIN_WIDTH <= width <= _MAX_WIDTH
        or n_wrapped < _MIN_WRAPPED
        or n_wrapped < _MIN_SHARE * breaks
        or over > _MAX_OVER * filled
    ):
        wrapped = [False] * len(pairs)
    # a text wrapped at an uneven width may fit one width at half its breaks by chance; breaks
    # that cannot end a line are undone whatever the width
    continuing = _continuing_breaks(stripped)
    ragged = _ragged_breaks(stripped, inside, breaks, continuing) or [False] * len(pairs)
    undo = [any(kinds) for kinds in zip(wrapped, ragged, continuing, strict=True)]
    return _undo_breaks(lines, stripped, undo) if any(undo) else lines


def _ragged_breaks(
    stripped: list[str], inside: list[bool], breaks: int, continuing: list[bool]
) -> list[bool] | None:
    """The breaks of a text wrapped at an uneven width (see the module docstring), one per line
    and the next: inside a sentence after a full line. None when the text is not so wrapped.
    ``continuing``: for each line and the next, whether the break is inside a sentence for sure."""
    ends = sorted(len(line) for line, judged in zip(stripped, inside, strict=False) if judged)
    if len(ends) < _MIN_WRAPPED:
        return None
    width = ends[int(_RAGGED_TOP * (len(ends) - 1))]
    full = [judged and len(line) >= _RAGGED_FILL * width
            for line, judged in zip(stripped, inside, strict=False)]
    filled = [line for line in stripped if line]
    n_full = sum(full)
    if (
        not _MIN_WIDTH <= width <= _MAX_WIDTH
        or n_full < _MIN_WRAPPED
        or n_full < _MIN_SHARE * breaks
        or sum(len(line) > width / _RAGGED_FILL for line in filled) > _MAX_OVER * len(filled)
        or _prose_lines(stripped, continuing) < _MIN_PROSE * len(filled)
    ):
        return None
    return full


def _undo_breaks(lines: list[str], stripped: list[str], undo: list[bool]) -> list[str]:
    """``lines`` with each break whose ``undo`` is true (one per line and the next) undone."""
    out: list[str] = []
    joining = False
    for i, line in enumerate(stripped):
        if joining:
            out[-1] = _joined(out[-1], line)
        else:
            out.append(line if line else lines[i])
        joining = i < len(undo) and undo[i]
    return out


def _continues(line: str, after: str) -> bool:
    """Whether the break between two non-blank stripped lines falls inside a sentence for sure."""
    if line.endswith((*_SENTENCE_END, ":")):
        return False
    last = line.rsplit(None, 1)[-1]
    cut = len(last) >= 2 and last.endswith("-") and last[-2].isalpha()  # "vietnamesisch-"
    return (
        cut
        or line.endswith(",")  # no headline or paragraph ends on a comma
        or last.lower() in _CONTINUING
        or _ATTRIBUTIVE.fullmatch(last) is not None
        or after[0].islower()
    )


def _prose_lines(stripped: list[str], continuing: list[bool]) -> int:
    """Lines that show running text: a sentence ends inside them, or they cannot end where they
    do (on "und", a comma, a cut word)."""
    return sum(
        bool(line) and (bool(_INNER_END.search(line)) or (i < len(continuing) and continuing[i]))
        for i, line in enumerate(stripped)
    )


def _continuing_breaks(stripped: list[str]) -> list[bool]:
    """For each line and the next, whether :func:`_continues` finds the break inside a sentence."""
    pairs = zip(stripped, stripped[1:], strict=False)
    return [bool(a and b and _continues(a, b)) for a, b in pairs]


def _join_continuing(lines: list[str]) -> list[str]:
    """``lines`` with the breaks that :func:`_continues` finds undone; others as they were."""
    stripped = [line.strip() for line in lines]
    undo = _continuing_breaks(stripped)
    return _undo_breaks(lines, stripped, undo) if any(undo) else lines
