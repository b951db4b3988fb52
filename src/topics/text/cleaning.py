"""Clean text: the page boilerplate of these news sites removed, Unicode normalised, paragraphs kept.

The articles come as plain text copied from news pages (vietnam.vn/de, VOV World and similar). Their
boilerplate is line-based, so cleaning is a small set of line rules rather than an HTML extractor
(trafilatura and jusText find nothing useful in plain text; see ``shared/notes/dependencies.md``):

* a hard-wrapped page (html2text, ``lynx -dump``: every paragraph broken at a fixed width) gets a
  paragraph per line back first (:mod:`topics.text.wrapping`): the line rules below read a
  wrapped line, without closing punctuation, as a headline;
* image markers ``![]() |`` are dropped; a markdown link keeps its text, not its URL, and HTML
  tags left in copied text (``<p>``, ``<br>``) go: URLs and tag names are not the article's words;
* photo captions — a line between pipes, a line ending in `` |``, or a line ending in ``(Foto: …)`` /
  ``Foto: …`` — go to :attr:`CleanArticle.captions`, not into the body;
* ``Quelle: <url>`` goes to :attr:`CleanArticle.source_url` (also after a sentence inside a line:
  a page copied as one line keeps it there, and a URL's slug is not the article's text);
* a line that opens a list of links to other articles (``Mehr zum Thema``, ``Weiteres``,
  ``Verwandte Nachrichten``, ``Lesen Sie auch``, ``Schlagwörter``, vietnam.vn's ``Gleiches Thema``
  / ``Gleiche Kategorie`` and the like, :data:`RELATED_MARKERS`; also as a markdown heading, in
  bold or as a list item: ``## Weitere Nachrichten``) and every line after it are
  dropped (above the article, only the headlines and teasers up to its start: the first sentence
  followed by another sentence, since a teaser is one sentence under its headline and an
  article's lead is followed by its body; a one-sentence article starts at its sentence), and so
  is the comment counter ``Kommentar (0)`` and what follows it (comments, or the site's lists of
  other articles, whose teasers are sentences; the counter also inside a line); such a marker
  followed by a colon and a headline on the same line (``Lesen Sie auch: …``) drops that line
  only;
* a cookie banner (a line of at most 80 words in which the site tells its reader about cookies:
  "Wir verwenden Cookies … stimmen Sie … zu"; news about cookie rules stays) and its buttons
  after it ("Akzeptieren") are dropped: pasted from a page's top, it was the lead, one of the
  classifier's three scores;
* the ``(VOVWORLD) - `` lead marker and a news agency's dateline (``Hanoi (VNA) - ``) are
  stripped from the lead line, a read-more button after a line's last sentence from the line;
* a paragraph in English or Vietnamese inside a German article goes (:mod:`topics.text.language`);
* the page's tail after the last sentence of the body is dropped: lines without closing
  punctuation of at most 25 words (headlines of other articles, tags, dates, bylines, stray
  words) and short copyright lines. A body ends with a sentence; headlines of other articles at
  its end would otherwise make an article look like their subject. Without any closing
  punctuation in the body (headlines, keywords) only its last lines that read as authors' names
  go (two or three capitalised words: ``Van Hien``).

Every dropped line is kept in :attr:`CleanArticle.removed`, so nothing is lost silently. Cleaning is
idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from topics.errors import InputError, short
from topics.text.language import foreign_paragraphs
from topics.text.markers import (
    BANNER_BUTTON,
    LEAD_MARKER,
    READ_MORE,
    READ_MORE_ENDS,
    RELATED_MARKERS,
    is_cookie_banner,
)
from topics.text.normalisation import normalise
from topics.text.wrapping import unwrap_lines

__all__ = [
    "RELATED_MARKERS",
    "SENTENCE_END",
    "CleanArticle",
    "clean_article",
    "clean_text",
    "join_headings",
    "looks_like_markup",
    "prose_paragraphs",
    "sentence_pieces",
    "split_paragraphs",
]

_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*\|?$")
# A markdown link with its text (not an image, "![...](...)": the image rule drops it); inline
# tags may stand inside a word, "Grenz<b>übergang</b>": they go without a space
_LINK = re.compile(r"(?<!!)\[([^\[\]\n]+)\]\((?:https?://|www\.|/)[^()\s]*\)")
_LEFTOVER_TAG = re.compile(r"</?(?:(strong|em|b|i|u|small|sup|sub|span|a)|figure|figcaption|"
                           r"blockquote|div|p|br|img|li|ul|ol|h[1-6])\b[^<>]{0,400}>", re.I)
_SOURCE_LABEL = r"Quelle\s*:\s*"
_COUNTER = r"Kommentare?\s*\(\d+\)"
_SOURCE = re.compile(rf"^{_SOURCE_LABEL}(\S+)$")
_COMMENTS = re.compile(rf"^{_COUNTER}$")
# The comment counter, and a source line after a sentence, inside a line: a page copied as one
# line keeps them (and the site's lists after the counter); each becomes a line of its own.
_INSIDE = re.compile(
    rf"(?:^|\s)({_COUNTER})(?=\s|$)"
    rf"|(?:^|(?<=[.!?\"')])\s+)({_SOURCE_LABEL}https?://\S+)(?=\s|$)"
)
_MARKER = "|".join(re.escape(m) for m in RELATED_MARKERS)
# A heading may come as markdown (html2text, trafilatura's markdown: "## Weitere Nachrichten",
# "**Mehr zum Thema**") or as a list item ("• Verwandte Nachrichten"): still the same heading.
_OPEN = r"(?:[#>*•·-]+\s*)?(?:\*\*|__)?\s*"
_CLOSE = r"\s*(?:\*\*|__)?"
_RELATED = re.compile(rf"^{_OPEN}(?:{_MARKER}){_CLOSE}\s*[:.]?{_CLOSE}$", re.IGNORECASE)
_RELATED_INLINE = re.compile(rf"^{_OPEN}(?:{_MARKER}){_CLOSE}\s*:\s*\S", re.IGNORECASE)
_FOOTER = re.compile(r"©|\(c\)\s*\d{4}|\bCopyright\b|\bAlle Rechte vorbehalten\b", re.IGNORECASE)
_TAIL_MAX_WORDS = 25
# A caption ends in a photo credit: "… (Foto: Anh Huyen)", "… (Quelle: VUFO)", "… Foto: Le Tinh".
_CREDIT = re.compile(
    r"(?:\((?:Foto|Fotos|Quelle)\s*:[^()]{1,80}\)|(?:^|[.!?]\s)Fotos?\s*:\s*[^.!?]{1,60})$"
)
_MAX_CAPTION_CHARS = 400
_BYLINE_MAX_WORDS = 3
_HEADING_MAX_WORDS = 8
_CLOSING = tuple(".!?:;\"')")


@dataclass(frozen=True)
class CleanArticle:
    """One article after cleaning.

    Attributes
    ----------
    text : str
        The body, paragraphs joined by a blank line.
    paragraphs : tuple of str
        The body paragraphs, in order.
    captions : tuple of str
        Photo captions found on the page (pipes and image markers removed).
    source_url : str or None
        The URL of a ``Quelle: <url>`` line, if any.
    removed : tuple of str
        Every other line that was dropped (markers, related headlines, the page's tail), in page
        order.
    """

    text: str
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    source_url: str | None
    removed: tuple[str, ...]


def _is_caption(line: str) -> bool:
    if line.startswith("|") or line.endswith("|"):
        return True
    return len(line) <= _MAX_CAPTION_CHARS and _CREDIT.search(line) is not None


def _at_most_words(text: str, n: int) -> bool:
    # split(maxsplit=n) stops after n + 1 pieces: a long paragraph is not split into all its words
    return len(text.split(maxsplit=n)) <= n


def _is_byline(line: str) -> bool:
    return not line.endswith(_CLOSING) and _at_most_words(line, _BYLINE_MAX_WORDS)


def _is_sentence(line: str) -> bool:
    """Body text: closing punctuation at the end, or too long for a headline."""
    return line.endswith(_CLOSING) or not _at_most_words(line, _TAIL_MAX_WORDS)


def _is_tail_line(line: str) -> bool:
    """A line of the page after the body: no sentence (a headline, tag list, date) or a footer."""
    if not _is_sentence(line):
        return True
    return _FOOTER.search(line) is not None and _at_most_words(line, _TAIL_MAX_WORDS)


def _page_tail(body: list[str]) -> int:
    """How many lines at the end of ``body`` are the page's tail, not the article.

    The lines after the body's last sentence, when they are all headline-sized or footers; a
    body without any sentence (headlines, a list of keywords) loses only its last lines that read
    as authors' names: its short lines are all it has, so "Digitalisierung / der Verwaltung"
    keeps its second line.
    """
    n = len(body)
    end = n
    while end > 1 and _is_tail_line(body[end - 1]):
        end -= 1
    if end < n and not _is_tail_line(body[end - 1]):  # a sentence (or a long line) ends the body
        return n - end
    end = n
    while end > 1 and _is_name(body[end - 1]):
        end -= 1
    return n - end


def _is_name(line: str) -> bool:
    """A byline of two or three capitalised words (``Van Hien``, ``Thu Hang``)."""
    words = line.split()
    return _is_byline(line) and len(words) >= 2 and all(w[:1].isupper() for w in words)


def _in_page_order(removed: list[str], lines: list[str], at: list[int]) -> list[str]:
    """``removed`` with ``lines`` put back where they were found (``at``: removed lines before each)."""
    merged: list[str] = []
    done = 0
    for line, before in zip(lines, at, strict=True):
        merged += removed[done:before]
        merged.append(line)
        done = before
    return merged + removed[done:]


def _cut_inside(line: str) -> tuple[str, str, str] | None:
    """(text before, the counter or source line, text after) when a comment counter or a source
    line stands inside ``line`` rather than being all of it; else None."""
    if "Kommentar" not in line and "Quelle" not in line:
        return None
    at = min(i for i in (line.find("Kommentar"), line.find("Quelle")) if i >= 0)
    at = len(line[:at].rstrip())  # no match starts before the spaces before the first word
    found = _INSIDE.search(line, at)  # (2.2x faster on 10kGNAD's pages than from the start)
    if found is None:
        return None
    part = found.group(1) or found.group(2)
    if part == line.strip():
        return None
    return line[: found.start()], part, line[found.end():].strip()


def clean_article(raw: str) -> CleanArticle:
    """Clean one article and keep what the boilerplate says as metadata.

    Parameters
    ----------
    raw : str
        The article text as copied from the page (or already clean text).

    Returns
    -------
    CleanArticle
        Body text and paragraphs, captions, source URL and the removed lines.

    Examples
    --------
    >>> art = clean_article("(VOVWORLD) - Ein Satz.\\n![]() |\\nBild. (Foto: VOV) |\\nQuelle: https://x.vn/a")
    >>> art.text, art.captions, art.source_url
    ('Ein Satz.', ('Bild. (Foto: VOV)',), 'https://x.vn/a')
    """
    if not isinstance(raw, str):
        raise InputError(f"expected the article text as a str, got {type(raw).__name__} "
                         f"({short(raw)}); decode bytes first, e.g. data.decode('utf-8')")
    article = _clean(raw, teasers=True)
    if article.paragraphs or not article.removed:
        return article
    # every sentence went as a teaser (a page of headlines and teasers only): the list above the
    # article ends at its first sentence, as it did before teasers were told apart
    return _clean(raw, teasers=False)


def _unmarked(line: str) -> str:
    """``line`` (normalised) without markdown link targets, HTML tags and a trailing read-more
    button, normalised again."""
    changed = line
    if "](" in changed:
        changed = _LINK.sub(r"\1", changed)
    if "<" in changed:
        changed = _LEFTOVER_TAG.sub(lambda tag: "" if tag.group(1) else " ", changed)
    if changed.endswith(READ_MORE_ENDS):  # a read-more button after the last sentence
        changed = READ_MORE.sub("", changed)
    return line if changed == line else normalise(changed)


def _headline_follows(lines: deque[str]) -> bool:
    """Whether the next line of the page with text, past images and captions, is a headline
    (not a sentence, nor a marker: the end of the page or another list ends an article)."""
    for raw in lines:
        line = normalise(raw)
        if line and not _IMAGE.match(line) and not _is_caption(line):
            return not (_is_sentence(line) or _RELATED.match(line) or _COMMENTS.match(line))
    return False


def _clean(raw: str, teasers: bool) -> CleanArticle:
    """:func:`clean_article`; with ``teasers``, a sentence in a list above the article that is
    followed by a headline is a teaser, not the article's start."""
    body: list[str] = []
    captions: list[str] = []
    removed: list[str] = []
    body_at: list[int] = []  # for each body line, how many removed lines were found before it
    source_url: str | None = None
    in_related = False
    seen_sentence = False  # a body line that is a sentence has been found
    banner = None  # the last line of a cookie banner (its buttons follow it)
    lines = deque(unwrap_lines(raw.splitlines()))  # a hard-wrapped page: a paragraph per line
    while lines:
        line = _unmarked(normalise(lines.popleft()))
        while line:
            cut = _cut_inside(line)
            if cut:  # the part before is this line; the counter or source and the rest come next
                line, part, after = cut
                lines.extendleft([after, part])  # extendleft reverses: part comes first
                if not line.strip():
                    break
            source = _SOURCE.match(line)
            if source:
                if source_url is None:
                    source_url = source.group(1)
                else:
                    removed.append(line)  # a second source line is kept, not lost
            elif (
                is_cookie_banner(line)
                or (removed and removed[-1] is banner and BANNER_BUTTON.match(line))
            ):
                removed.append(line)  # not the article's lead, wherever it stands
                banner = line
            elif _RELATED.match(line) or _COMMENTS.match(line):
                # the lines after "Mehr zum Thema" are other articles' headlines and teasers; after
                # the comment counter come comments or those lists
                in_related = True
                removed.append(line)
            elif (
                in_related
                and not seen_sentence
                and _is_sentence(line)
                and not (teasers and _headline_follows(lines))
            ):
                # a list above the article ends where the article starts: at a sentence followed
                # by another (its lead and body); a sentence under each headline is its teaser
                in_related = False
                continue
            elif (
                in_related
                or _IMAGE.match(line)
                or _RELATED_INLINE.match(line)
            ):
                removed.append(line)
            elif _is_caption(line):
                captions.append(line.strip("| ").strip())
            else:
                # the marker opens the lead, which may follow a headline line; what is left is
                # classified again, so that cleaning clean text changes nothing
                stripped = LEAD_MARKER.sub("", line).strip("| ").strip()
                if stripped != line:
                    line = stripped
                    continue
                body.append(line)
                body_at.append(len(removed))
                seen_sentence = seen_sentence or _is_sentence(line)
            break
    tail = _page_tail(body)
    if tail:
        cut = len(body) - tail
        removed = _in_page_order(removed, body[cut:], body_at[cut:])
        del body[cut:]
    if foreign := foreign_paragraphs(body):  # a quote or a caption in English or Vietnamese
        removed = _in_page_order(removed, [body[i] for i in foreign], [body_at[i] for i in foreign])
        gone = frozenset(foreign)
        body = [line for i, line in enumerate(body) if i not in gone]
    paragraphs = tuple(body)
    return CleanArticle(
        text="\n\n".join(paragraphs),
        paragraphs=paragraphs,
        captions=tuple(captions),
        source_url=source_url,
        removed=tuple(removed),
    )


def clean_text(raw: str) -> str:
    """Return the clean body of an article, paragraphs joined by a blank line.

    Parameters
    ----------
    raw : str
        The article text as copied from the page.

    Returns
    -------
    str
        The body without boilerplate; ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    return clean_article(raw).text


def split_paragraphs(text: str) -> list[str]:
    """Split a (clean) text into its paragraphs: its non-empty lines, normalised.

    Parameters
    ----------
    text : str
        A clean text (e.g. :attr:`CleanArticle.text`); raw text is not cleaned first.

    Returns
    -------
    list of str
        The paragraphs in order, stripped; ``[]`` for a blank text.
    """
    if not isinstance(text, str):
        raise InputError(f"expected the text as a str, got {type(text).__name__}")
    return [p for p in (normalise(line) for line in text.splitlines()) if p]


def prose_paragraphs(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """The paragraphs that are prose: headline-sized lines without closing punctuation left out.

    A line of at most 25 words that does not end a sentence is a headline, a heading, a menu
    item or a teaser of another article; what a page is about is said in its sentences. A text
    with no sentence at all keeps every paragraph. The classifier reads these paragraphs (an
    article's own headline is repeated by its lead; another article's teaser above it is not).

    Parameters
    ----------
    paragraphs : sequence of str
        Clean paragraphs, in order (e.g. :attr:`CleanArticle.paragraphs`).

    Returns
    -------
    list of str
        The prose paragraphs in order, or all of them when none is prose.
    """
    prose = [p for p in paragraphs if _is_sentence(p)]
    return prose or list(paragraphs)


#: The whitespace after a sentence's closing ``.``, ``!`` or ``?``: where a text is cut into
#: sentences (``SENTENCE_END.split(text)``) for pieces and perturbed copies.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# The same cuts, punctuation captured: opening with a class, not a look-behind tried at every
# position, the pattern is searched for fast (sentence_pieces of 10kGNAD's pages 1.8x faster).
_SENTENCE_CUT = re.compile(r"([.!?])\s+")


def sentence_pieces(text: str, sentences: int) -> list[str]:
    """``text`` cut into pieces of ``sentences`` sentences (the last may be shorter).

    For text that comes without paragraph breaks (10kGNAD's articles, a page copied as one line):
    pieces the size of paragraphs. A sentence ends at ``.``, ``!`` or ``?`` before whitespace, so
    "am 2. September" cuts too: the pieces are about the size of paragraphs, not exact sentences.
    They hold every word of the text in order; the whitespace at each cut becomes one space.

    Parameters
    ----------
    text : str
        One paragraph of text.
    sentences : int
        Sentences per piece (>= 1).

    Returns
    -------
    list of str
        The pieces in order; ``[]`` for a blank text.
    """
    cut = _SENTENCE_CUT.split(text.strip())  # sentence, its punctuation, sentence, ...
    if cut == [""]:  # a blank text
        return []
    parts = [a + b for a, b in zip(cut[0:-1:2], cut[1::2], strict=True)] + cut[-1:]
    return [" ".join(parts[i : i + sentences]) for i in range(0, len(parts), sentences)]


def join_headings(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """Join each short heading to the paragraph after it.

    A heading has at most eight words and no closing punctuation ("Unterstützung verbessern"). On
    its own it is too short to model or classify, so it becomes part of the paragraph it introduces;
    a heading at the very end joins the paragraph before it. Corpus paragraph units and the
    classifier's training rows and paragraph predictions all split articles with this function.

    Parameters
    ----------
    paragraphs : sequence of str
        Clean paragraphs, in order (e.g. :attr:`CleanArticle.paragraphs`).

    Returns
    -------
    list of str
        The paragraphs with headings joined; no text is dropped.
    """
    joined: list[str] = []
    pending = ""
    for paragraph in paragraphs:
        text = f"{pending} {paragraph}" if pending else paragraph
        if not paragraph.endswith(_CLOSING) and _at_most_words(paragraph, _HEADING_MAX_WORDS):
            pending = text
        else:
            joined.append(text)
            pending = ""
    if pending:
        if joined:
            joined[-1] = f"{joined[-1]} {pending}"
        else:
            joined.append(pending)
    return joined


_PAGE_START = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.IGNORECASE)
_TAG = re.compile(
    r"</?(?:div|p|span|a|script|style|meta|link|br|img|table|tr|td|li|ul|ol|h[1-6]|section|"
    r"article|header|footer|nav)\b[^<>]{0,400}>",
    re.IGNORECASE,
)
_MANY_TAGS = 5


def looks_like_markup(text: str) -> bool:
    """Whether ``text`` is an HTML page (or HTML fragment) rather than article text.

    True for a document start (``<!DOCTYPE html``, ``<html>``, ``<body>``) or at least five HTML
    tags; plain news text, even with a stray ``<`` or a pipe-table caption, is not markup.
    """
    if "<" not in text:
        return False
    return bool(_PAGE_START.search(text)) or len(_TAG.findall(text, 0, 200_000)) >= _MANY_TAGS
