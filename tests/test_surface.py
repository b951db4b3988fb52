"""The analyser on the surface forms of real web pages (topics.text.surface and its callers)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics


@pytest.mark.parametrize("text", [
    "Die Zusammen\u00adarbeit mit Laos",  # soft hyphen
    "Die Zusammen\u200barbeit mit Laos",  # zero-width space
    "Die Zusammen\u200darbeit mit Laos",  # zero-width joiner
    "Die Zusammen\u2060arbeit mit Laos",  # word joiner
    "Die Zusammen\u200earbeit mit Laos",  # left-to-right mark (was split there)
    "Die Zusammen\u2066arbeit\u2069 mit Laos",  # bidi isolate
    "\ufeffDie Zusammen\U000e0041arbeit mit Laos",  # byte-order mark, tag character
])
def test_invisible_characters_inside_a_word_do_not_split_it(text: str) -> None:
    # was "zusammen" (a stop word) + "arbeit", lemmatised to "abarbeiten"
    assert topics.analyse(text) == topics.analyse("Die Zusammenarbeit mit Laos")
    assert topics.analyse(text) == topics.analyse(topics.clean_text(text))


def test_every_format_character_is_invisible_to_the_analyser() -> None:
    """INVISIBLE is written out (no 0.2 s scan of unicodedata at import): every format character
    (Cf) this Python knows is in it, and it holds nothing but format or unassigned ones."""
    from topics.text.surface import INVISIBLE, INVISIBLE_RE

    known = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert known <= set(INVISIBLE)
    assert {unicodedata.category(c) for c in INVISIBLE} <= {"Cf", "Cn"}
    assert not any(c.isprintable() for c in INVISIBLE)  # strip_invisible's quick test
    assert all(INVISIBLE_RE.fullmatch(c) for c in INVISIBLE) and not INVISIBLE_RE.search("a-]^")


def test_latin1_text_is_nfc_and_its_one_invisible_character_the_soft_hyphen() -> None:
    """visible_nfc's shortcut for text below U+0100: NFC composes a character with the marks
    after it, so every pair being NFC makes every such text NFC."""
    from topics.text.surface import INVISIBLE, visible_nfc

    latin1 = [chr(c) for c in range(0x100)]
    assert [c for c in latin1 if c in INVISIBLE] == ["\u00ad"]
    assert all(unicodedata.is_normalized("NFC", a + b) for a in latin1 for b in latin1)
    assert visible_nfc("Zusammen\u00adarbeit in Hà Nội") == "Zusammenarbeit in Hà Nội"
    assert visible_nfc("Gr\u00fc\u00adn") == "Grün" and visible_nfc("Gru\u00ad\u0308n") == "Grün"

def test_decomposed_vietnamese_names_stay_whole() -> None:
    text = "Nguyễn Phú Trọng besuchte Hà Nội und die Bürger"
    # was "nguye", "phu", "tro", "ng", ..., "bu", "rger": combining marks are no word characters
    assert topics.analyse(unicodedata.normalize("NFD", text)) == topics.analyse(text) == [
        "nguyễn_phú_trọng", "besuchen", "hà_nội", "bürger"]


@pytest.mark.parametrize("form", ["Bürger*innen", "Bürger:innen", "Bürger_innen", "Bürger/-innen",
                                  "Bürger/innen", "BürgerInnen", "Bürger*Innen", "Bürger*in"])
def test_gendered_forms_are_the_base_word(form: str) -> None:
    # was "bürger" + a token "innen" (split at the mark) or "bürgerinnen" (Binnen-I)
    assert topics.analyse(f"Die {form} von Hanoi") == ["bürger", "hanoi"]


def test_gender_rule_leaves_other_words_alone() -> None:
    assert topics.analyse("LinkedIn, Innenminister, Berlin/Innenstadt") == [
        "linkedin", "innenminister", "innen", "minister", "berlin", "innenstadt", "innen", "stadt"]


@pytest.mark.parametrize("text", ["Die Zusam-\nmenarbeit wächst", "Die Zusam-menarbeit wächst"])
def test_a_word_cut_at_a_line_end_is_one_word(text: str) -> None:
    # was "zusam" + "menarbeit" (raw text: and the line break between them)
    assert topics.analyse(text) == topics.analyse(topics.clean_text(text)) == [
        "zusammenarbeit", "wachsen"]


def test_hyphenated_words_and_suspended_hyphens_stay_as_they_were() -> None:
    assert topics.analyse("Ein-\nund Ausreise") == ["ausreise"]
    assert topics.analyse("Ho-Chi-\nMinh-Stadt") == ["ho-chi-minh-stadt", "ho-chi-minh", "stadt"]
    assert topics.analyse("Know-how, audio-visuell und Play-off") == [
        "know-how", "know", "how", "audio-visuell", "audio", "visuell", "play-off", "play", "off"]


def test_a_name_after_an_abbreviated_title_is_joined_whole() -> None:
    # was "le" + "van_hoa": the title's period read as a sentence end, so the weak piece "Le"
    # (a German word too) was left out of the name
    assert topics.analyse("Laut Dr. Le Van Hoa und Prof. Tran Ngoc Que") == [
        "dr", "le_van_hoa", "prof", "tran_ngoc_que"]
    # a real sentence end: a German word opening it stays out of the name; a piece spelled as a
    # Vietnamese syllable (and no stop word) is taken (topics.text.names)
    assert topics.analyse("Das war gut. Laut Duan") == ["duan"]
    assert topics.analyse("Das war gut. Le Duan") == ["le_duan"]


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("aäßZI*:_/-inen \t\r\nund"), max_size=40))
def test_the_surface_patterns_are_their_plain_definitions(text: str) -> None:
    """The gender and line-end patterns open with a character, not a look-behind, for speed:
    they match exactly what the plain definitions (look-behind first) match."""
    import re

    from topics.text import surface

    gendered = re.compile(r"(?<=[a-zäöüß])(?:[*:_/]-?[iI]n(?:nen)?|Innen)(?![^\W_])")
    cut = re.compile(
        r"(?<=[^\W_])-[ \t]*\r?\n[ \t]*(?!(?:und|oder|bis|sowie|bzw\.|noch|als|wie)(?!\S))(?=\S)"
    )
    assert surface._GENDERED.sub("", text) == gendered.sub("", text)
    assert surface._CUT_AT_LINE_END.sub("-", text) == cut.sub("-", text)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("aZß9²_-–.,'\" \t\r\n\x0b\u00a0\u2028\u0301\u00ad"), max_size=40))
def test_the_tokeniser_is_its_plain_definition(text: str) -> None:
    """The analyser's tokeniser opens with a character class for speed: it finds exactly the
    tokens of its plain definition."""
    import re

    from topics.text import german

    plain = re.compile(r"[^\W_]+(?:-[^\W_]+)*-?|\n|[^\w\s]")
    assert german._TOKEN_RE.findall(text) == plain.findall(text)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("aZß9²¼ªµ_-.,'\" \t\r\n\x0b\x85\u00a0\u00ad×÷¿«»é"), max_size=40))
def test_the_latin1_tokeniser_is_the_tokeniser_below_0100(text: str) -> None:
    """Text below U+0100 is tokenised with [^\\W_] written out as a class (faster): the same
    tokens, and the class holds exactly the characters [^\\W_] matches there."""
    import re

    from topics.text import german

    latin1 = "".join(map(chr, range(0x100)))
    assert re.findall(german._LATIN1_WORD, latin1) == re.findall(r"[^\W_]", latin1)
    assert german._LATIN1_TOKEN_RE.findall(text) == german._TOKEN_RE.findall(text)
