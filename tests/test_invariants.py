"""Properties of cleaning and German analysis on any input (hypothesis).

Cleaning: idempotent, NFC, never fails, loses no word of the body. Analysis: never fails,
deterministic, and linear in the input: no word longer than ``MAX_WORD_LEN`` reaches the
lemmatiser or the compound splitter, whose cost grows faster than the word's length.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import topics
from topics.text import german, lemmatizer, lexicon, splitter
from topics.text.cleaning import clean_article, clean_text, sentence_pieces
from topics.text.normalisation import normalise

# Any code point, lone surrogates included, plus the characters cleaning acts on.
_ANY_CHAR = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from(
        list("\u00ad\u200b\u200c\u200d\ufeff\u0302\u0308\u0301\u00a0\t|\n\r\x85\u2028")
    ),
    st.sampled_from(list("„“”«»‚‘’–—()!?.,;:- ")),
    st.sampled_from(["\udcff", "\ud800"]),
)
_ANY_TEXT = st.text(_ANY_CHAR, max_size=300)
# Pieces of the news pages: boilerplate lines, names, compounds, quotes, markers.
_PIECES = st.sampled_from(
    [
        "(VOVWORLD) - ",
        "Quelle: https://vov.vn/x",
        "Mehr zum Thema",
        "Weiteres:",
        "Kommentar (0)",
        "![](https://x.vn/a.jpg) |",
        "(Foto: VOV)",
        " | ",
        "Foto: Le Tinh",
        "Phan Van Giang",
        "Verteidigungszusammenarbeit",
        "Grenzübergänge",
        "Laut",
        "„ Zitat “ , sagte er .",
        "Gru\u00ad\u0308n",
        "o\u00ad\u0302",
        "Ho-Chi-Minh-Stadt",
        "Austausch-, Kooperations- und Öffentlichkeitsarbeit",
        "\n",
        "\n\n",
        " ",
        ".",
        "Ein Satz.",
        "Die Minister unterzeichneten zwei Verträge.",
    ]
)
_PAGE = st.lists(st.one_of(_PIECES, st.text(_ANY_CHAR, max_size=12)), max_size=40).map("".join)
_WORD = re.compile(r"[^\W_]+")
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _PAGE))
@example("(\xa00")  # a no-break space after "(" was kept once, as a space, and dropped the next time
@example("„\u2009Zitat“")
@example("(VOVWORLD)-Quelle:http://0 0")  # a source inside the line only once the lead marker went
def test_cleaning_is_idempotent_and_nfc(raw: str) -> None:
    clean = clean_text(raw)
    assert clean_text(clean) == clean
    assert unicodedata.is_normalized("NFC", clean)
    assert normalise(normalise(raw)) == normalise(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("o\u00ad\u0302", "ô"), ("Gru\u00ad\u0308n ist gut.", "Grün ist gut.")],
)
def test_invisible_characters_do_not_block_composition(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected
    assert "grün" in topics.analyse(clean_text("Gru\u00ad\u0308n"))


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _PAGE))
def test_cleaning_loses_no_word(raw: str) -> None:
    article = clean_article(raw)
    kept = _words(article.text)
    for part in (*article.captions, *article.removed, article.source_url or ""):
        kept |= _words(part)
    markers = {"VOVWORLD", "Quelle"}  # boilerplate words: the lead marker, the source label
    for line in raw.splitlines():
        assert _words(normalise(line)) - markers <= kept, line


# The tail of a news page: headlines of other articles, dates, tags (no closing punctuation, at
# most 25 words), copyright lines, after a related-news marker or none.
_HEADLINE = st.lists(
    st.sampled_from(["Vietnam", "und", "China", "stärken", "Grenzkooperation", "Laos", "12.03.2025",
                     "Verteidigungsminister", "Delegation", "digitale", "Regierung", "-", "#1"]),
    min_size=1, max_size=25,
).map(" ".join)
_TAIL = st.tuples(
    st.sampled_from(["", "Verwandte Nachrichten", "Lesen Sie auch:", "Mehr zum Thema", "Tags"]),
    st.lists(st.one_of(_HEADLINE, st.just("© 2025 VOV. Alle Rechte vorbehalten.")), max_size=6),
).map(lambda t: "\n".join(line for line in (t[0], *t[1]) if line))


@_SETTINGS
@given(st.sampled_from(range(217)), _TAIL)
def test_a_page_tail_changes_no_paragraph(shipped_corpus, index: int, tail: str) -> None:
    text = shipped_corpus.texts[index]
    article = clean_article(text)
    page = clean_article(f"{text}\n{tail}")
    assert page.paragraphs == article.paragraphs
    assert page.removed[len(article.removed):] == tuple(normalise(x) for x in tail.splitlines())


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _PAGE), st.integers(1, 4))
def test_sentence_pieces_keep_every_word_in_order(text: str, size: int) -> None:
    pieces = sentence_pieces(text, size)
    assert " ".join(pieces).split() == text.split()
    assert all(piece and piece == piece.strip() for piece in pieces)
    # every piece but the last holds `size` sentence ends
    assert all(len(re.findall(r"[.!?](?=\s)", f"{p} ")) >= size for p in pieces[:-1])


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _PAGE))
def test_analysis_never_fails_and_is_deterministic(text: str) -> None:
    first = topics.analyse(text)
    assert all(isinstance(t, str) and t for t in first)
    german.clear_caches()
    assert topics.analyse(text) == first
    assert topics.analyse(text, join_names=False, keep_compounds=False) == topics.analyse(
        text, join_names=False, keep_compounds=False
    )


@_SETTINGS
@given(st.text(_ANY_CHAR, min_size=1, max_size=40))
def test_lexicon_never_fails(word: str) -> None:
    lexicon.split_compound(word)
    lexicon.compound_lemma(word)
    lemmatizer.is_known(word)
    lemmatizer.lemmatize(word, greedy=True)


@settings(max_examples=40, deadline=None)
@given(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüß"), min_size=65, max_size=3000),
    st.sampled_from(["", "Ver", "Grenz"]),
)
def test_long_words_never_reach_the_lemmatiser_or_splitter(letters: str, head: str) -> None:
    seen: list[int] = []
    originals = {
        (module, name): getattr(module, name)
        for module, name in ((lemmatizer, "lemmatize"), (lemmatizer, "is_known"),
                             (splitter, "best_split"), (splitter, "split_point"))
    }

    def spy(original):
        def wrapped(word, *args, **kwargs):
            seen.append(len(word))
            return original(word, *args, **kwargs)

        return wrapped

    word = (head + letters).capitalize()
    german.clear_caches()
    try:
        for (module, name), original in originals.items():
            setattr(module, name, spy(original))
        tokens = topics.analyse(f"Die {word} wächst.")
    finally:
        for (module, name), original in originals.items():
            setattr(module, name, original)
        german.clear_caches()
    assert tokens == [word.lower(), "wachsen"]
    assert all(n <= lexicon.MAX_WORD_LEN for n in seen)


def test_analysis_is_linear_on_a_megabyte_word() -> None:
    # A 1 MB word took the old splitter to 21 GB and an out-of-memory kill; now it is read once.
    word = "Verteidigungs" + "zusammenarbeit" * 75_000
    assert topics.analyse(f"{word} und {word[:-3]}") == [word.lower(), word[:-3].lower()]
