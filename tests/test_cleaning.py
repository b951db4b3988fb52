"""Cleaning: boilerplate out, every body sentence kept, on all five seeds and the dev layout."""

from __future__ import annotations

import contextlib
import re

import pytest

from topics import clean_article, clean_text, split_paragraphs
from topics.text.cleaning import join_headings
from topics.text.normalisation import normalise

# Lines of the seeds that are page boilerplate, by the marker that identifies them.
BOILERPLATE = re.compile(
    r"^\s*(!\[\]\(\)\s*\|"  # image marker
    r"|\|.*\|"  # caption between pipes
    r"|Quelle:\s*https?://\S+"  # source line
    r"|Kommentar \(\d+\)"  # comment counter
    r"|.*Foto: Le Tinh"  # caption without pipes (seed 004)
    r"|Van Hien|Provinz)\s*$"  # byline (seed 003), stray word (seed 004)
)
LEFTOVERS = ["![", "|", "Kommentar (", "Quelle: http", "(Foto:", "Foto:", "(VOVWORLD)"]


def body_lines(raw: str) -> list[str]:
    return [
        normalise(line) for line in raw.splitlines() if line.strip() and not BOILERPLATE.match(line)
    ]


@pytest.mark.parametrize("index", range(5))
def test_no_body_sentence_lost(seed_texts: dict[str, str], index: int) -> None:
    raw = list(seed_texts.values())[index]
    clean = clean_text(raw)
    kept = body_lines(raw)
    assert kept, "the seed has a body"
    for line in kept:
        assert line in clean, f"body line lost: {line[:80]!r}"
    assert len(clean.split()) == sum(len(line.split()) for line in kept)


@pytest.mark.parametrize("index", range(5))
def test_no_boilerplate_left(seed_texts: dict[str, str], index: int) -> None:
    clean = clean_text(list(seed_texts.values())[index])
    for marker in LEFTOVERS:
        assert marker not in clean
    assert "\n\n\n" not in clean and not clean.startswith(" ")


def test_captions_and_source_go_to_metadata(seed_texts: dict[str, str]) -> None:
    article = clean_article(seed_texts["000_4d7639e505ab9caa"])
    assert (
        article.source_url
        == "https://baoquocte.vn/phat-huy-suc-manh-mem-doi-ngoai-nhan-dan-340285.html"
    )
    assert len(article.captions) == 2
    assert article.captions[0].endswith("(Foto: Dinh Hoa)") and "|" not in article.captions[0]
    assert article.captions[1].endswith("(Quelle: VUFO)")
    assert "Romesh-Chandra-Preis" not in article.text
    assert "Kommentar (0)" in article.removed


def test_byline_and_stray_words_are_removed(seed_texts: dict[str, str]) -> None:
    assert clean_article(seed_texts["003_d2fae954ffa1f558"]).removed == ("Van Hien",)
    seed4 = clean_article(seed_texts["004_efacae29e14d37a0"])
    assert "Provinz" in seed4.removed
    assert seed4.captions == (
        "Vorstellung des Teams für die digitale Transformation der Gemeinde im 1. Bezirk von "
        "Ho-Chi-Minh-Stadt. Foto: Le Tinh",
    )


def test_vovworld_layout() -> None:
    raw = (
        "Erster Freundschaftsposten an der Grenze\n"
        "(VOVWORLD) - Am Mittwoch sind die Grenzschutzstationen eine Partnerschaft eingegangen.\n"
        "Am Grenzübergang Lao Cai. (Foto: laocai.gov.vn) |\n"
        "Das Dokument enthält elf Punkte.\n"
        "Mehr zum Thema\n"
        "Vietnam kommt beim Aufbau der E-Regierung voran\n"
        "Weiteres\n"
    )
    article = clean_article(raw)
    assert article.paragraphs == (
        "Erster Freundschaftsposten an der Grenze",
        "Am Mittwoch sind die Grenzschutzstationen eine Partnerschaft eingegangen.",
        "Das Dokument enthält elf Punkte.",
    )
    assert article.captions == ("Am Grenzübergang Lao Cai. (Foto: laocai.gov.vn)",)
    assert "Vietnam kommt beim Aufbau der E-Regierung voran" in article.removed


@pytest.mark.parametrize(
    "marker", ["Verwandte Nachrichten", "Lesen Sie auch:", "ÄHNLICHE ARTIKEL", "Schlagwörter", "Weiteres",
               "Gleiches Thema", "Gleiche Kategorie", "Vom selben Autor", "Kommentar (0)", "Kommentare (12)"]
)
def test_a_related_news_list_is_not_the_article(marker: str) -> None:
    article = "Grenzsteine\nDie Provinz meldet Touristen am Grenzstein.\nSie kamen aus Hanoi."
    page = f"{article}\n{marker}\nVietnam und China stärken die Grenzkooperation\n12.03.2025\nEin Satz."
    cleaned = clean_article(page)
    assert cleaned.paragraphs == clean_article(article).paragraphs
    assert cleaned.removed == (marker, "Vietnam und China stärken die Grenzkooperation",
                               "12.03.2025", "Ein Satz.")


@pytest.mark.parametrize("marker", ["Tin liên quan", "CÙNG CHỦ ĐỀ", "Related news", "Most read"])
def test_a_related_news_list_under_an_english_or_vietnamese_heading_is_not_the_article(
        marker: str) -> None:
    """The German pages of Vietnamese sites keep parts of their Vietnamese or English page."""
    article = "Grenzsteine\nDie Provinz meldet Touristen am Grenzstein.\nSie kamen aus Hanoi."
    teasers = "Vietnam und China stärken die Grenzkooperation\nDie Grenzprovinzen planen mehr."
    cleaned = clean_article(f"{article}\n{marker}\n{teasers}")
    assert cleaned.paragraphs == clean_article(article).paragraphs
    assert cleaned.removed == (marker, *teasers.split("\n"))


@pytest.mark.parametrize("marker", ["## Weitere Nachrichten", "**Mehr zum Thema**",
                                    "**Mehr zum Thema:**", "• Verwandte Nachrichten",
                                    "* Lesen Sie auch", "> Schlagwörter:"])
def test_a_related_news_heading_in_markdown_or_as_a_list_item_is_one(marker: str) -> None:
    """html2text and trafilatura's markdown give headings as '## …' or in bold."""
    article = "Grenzsteine\nDie Provinz meldet Touristen am Grenzstein.\nSie kamen aus Hanoi."
    teasers = "Vietnam und China stärken die Grenzkooperation\nDie Grenzprovinzen planen mehr."
    cleaned = clean_article(f"{article}\n\n{marker}\n\n{teasers}")
    assert cleaned.paragraphs == clean_article(article).paragraphs
    assert cleaned.removed == (marker, *teasers.split("\n"))
    # a marker with its headline on the line goes alone, and a heading that only starts with a
    # marker's word is the article's
    page = f"{article}\n**Lesen Sie auch:** Grenzschutz von Laos\nEin Satz."
    assert clean_article(page).removed == ("**Lesen Sie auch:** Grenzschutz von Laos",)
    for heading in ("## Weiteres Wachstum", "**Weiteres Wachstum erwartet**"):
        assert heading in clean_article(f"{article}\n{heading}\nEin Satz.").paragraphs


@pytest.mark.parametrize("button", ["Read more", "Xem thêm", "Weiterlesen"])
def test_a_read_more_button_does_not_end_the_article(button: str) -> None:
    # it may stand between an article's teaser and its rest
    page = f"Die Provinz meldet Touristen am Grenzstein.\n{button}\nSie kamen aus Hanoi."
    assert clean_article(page).paragraphs == (
        "Die Provinz meldet Touristen am Grenzstein.", button, "Sie kamen aus Hanoi.")


def test_a_related_news_list_above_the_article_does_not_swallow_it() -> None:
    page = ("Neueste Nachrichten\nVietnam und China stärken die Grenzkooperation\nTouristen am Fluss\n"
            "Die Provinz meldet Touristen am Grenzstein.\nSie kamen aus Hanoi.\nMehr zum Thema\nEin Satz.")
    cleaned = clean_article(page)
    assert cleaned.paragraphs == ("Die Provinz meldet Touristen am Grenzstein.", "Sie kamen aus Hanoi.")
    assert cleaned.removed == ("Neueste Nachrichten", "Vietnam und China stärken die Grenzkooperation",
                               "Touristen am Fluss", "Mehr zum Thema", "Ein Satz.")


def test_a_lesen_sie_auch_line_inside_the_body_goes_alone() -> None:
    page = ("Die Provinz meldet Touristen.\nLesen Sie auch: Grenzschutz von Laos und Vietnam\n"
            "Sie kamen aus Hanoi.")
    cleaned = clean_article(page)
    assert cleaned.paragraphs == ("Die Provinz meldet Touristen.", "Sie kamen aus Hanoi.")
    assert cleaned.removed == ("Lesen Sie auch: Grenzschutz von Laos und Vietnam",)


def test_the_page_tail_after_the_last_sentence_goes() -> None:
    body = ("Grenzsteine", "Die Provinz meldet Touristen am Grenzstein.", "Sie kamen aus Hanoi.")
    tail = ("Vietnam und China stärken die Grenzkooperation", "Verteidigungsminister empfängt "
            "Delegation aus Laos", "Tags Vietnam Grenze Tourismus", "© 2025 VOV. Alle Rechte vorbehalten.")
    cleaned = clean_article("\n".join(body + tail))
    assert cleaned.paragraphs == body and cleaned.removed == tail


def test_a_long_last_line_without_a_full_stop_stays() -> None:
    last = " ".join(["Die Delegation besuchte danach"] * 6) + " die Grenzstation"  # 26 words
    cleaned = clean_article(f"Erster Satz.\n{last}")
    assert cleaned.paragraphs == ("Erster Satz.", last)


def test_a_body_without_sentences_loses_only_bylines() -> None:
    cleaned = clean_article("Grenzsteine am Fluss\nTouristen aus Hanoi am Grenzstein\nVan Hien")
    assert cleaned.paragraphs == ("Grenzsteine am Fluss", "Touristen aus Hanoi am Grenzstein")
    assert cleaned.removed == ("Van Hien",)
    # short lines are all such a text has: only names go ("der Verwaltung" was dropped as one)
    for text in ("Grenze\nArmee", "Eins zwei\nVier fünf sechs"):
        assert clean_article(text).paragraphs == tuple(text.split("\n")), text
    # a line starting in lower case goes on from the one before: one paragraph, every word kept
    joined = clean_article("Digitalisierung\nder Verwaltung").paragraphs
    assert joined == ("Digitalisierung der Verwaltung",)
    assert clean_article("Grenze\nVan Hien\nThu Hang").paragraphs == ("Grenze",)


def test_normalisation() -> None:
    text = clean_text(
        "„ Ich hoffe “ , sagte er – im Zeitraum 2020–2024.\u00a0Gut\u00ad.\n\n\n\nZweiter  Absatz."
    )
    assert text == '"Ich hoffe", sagte er - im Zeitraum 2020-2024. Gut.\n\nZweiter Absatz.'
    assert clean_text("Verwaltungsverfa\u0308hren") == "Verwaltungsverfähren"  # NFC composes
    assert clean_text("Gru\u0308ße.") == "Grüße."  # decomposed umlaut -> NFC


def test_cleaning_is_idempotent(shipped_corpus) -> None:
    for text in shipped_corpus.texts:
        once = clean_text(text)
        assert clean_text(once) == once


def test_paragraphs_are_kept(seed_texts: dict[str, str]) -> None:
    article = clean_article(seed_texts["001_92dd99e734424ef3"])
    assert split_paragraphs(article.text) == list(article.paragraphs)
    assert len(article.paragraphs) == 16


def test_headings_join_the_paragraph_they_introduce() -> None:
    paragraphs = [
        "Ein erster Absatz.",
        "Unterstützung verbessern",
        "Der Text danach.",
        "Schluss ohne Punkt",
    ]
    assert join_headings(paragraphs) == [
        "Ein erster Absatz.",
        "Unterstützung verbessern Der Text danach. Schluss ohne Punkt",
    ]
    assert join_headings(["Nur eine Überschrift"]) == ["Nur eine Überschrift"]
    assert join_headings(["Sagte er: 'ja'"]) == ["Sagte er: 'ja'"]  # closing quote: not a heading


# ---- the fast normalise is the plain one ---------------------------------------------------------


def _plain_normalise(text: str) -> str:
    """normalise() before the speed work: every step on every text (its definition)."""
    import unicodedata

    from topics.text import normalisation
    from topics.text.surface import INVISIBLE, unescape_entities

    text = unescape_entities(text)
    text = text.translate({ord(char): None for char in INVISIBLE})
    text = unicodedata.normalize("NFC", text)
    text = text.translate({ord(char): " " for char in normalisation._SPACE_LIKE})
    text = normalisation._OPENING_QUOTE_SPACE.sub(r"\1", text)
    text = normalisation._CLOSING_QUOTE_SPACE.sub(r"\1", text)
    text = text.translate({ord(char): plain for char, plain in normalisation._REPLACEMENTS})
    text = normalisation._SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return normalisation._SPACES.sub(" ", text).strip()


def test_fast_normalise_equals_the_plain_one_on_the_corpora(shipped_corpus, request) -> None:
    texts = list(shipped_corpus.texts)
    with contextlib.suppress(pytest.skip.Exception):
        texts += request.getfixturevalue("gnad_corpus").texts
    lines = [line for text in texts for line in text.splitlines()]
    assert [normalise(line) for line in lines] == [_plain_normalise(line) for line in lines]


_SPECIALS = ("„“”«»‟‚‘’‹›‛–—‒−‐‑\u00a0\u202f\u2009\u2007\t\u00ad\u200b\u200c\u200d\ufeff\u200e"
             "\u2066\u2069(),.;:!? o\u0302e\u0301")


def test_fast_normalise_equals_the_plain_one_on_any_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(_SPECIALS) | st.characters(), max_size=60))
    def check(text: str) -> None:
        assert normalise(text) == _plain_normalise(text)

    check()


@pytest.mark.parametrize("raw", [None, 42, b"Ein Text", ["Ein Text"]])
def test_text_that_is_not_a_str_is_refused_in_words(raw: object) -> None:
    from topics.errors import InputError

    with pytest.raises(InputError, match="expected the article text as a str"):
        clean_text(raw)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expected the article text as a str"):
        clean_article(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize("joiner", [" ", "\n"])
def test_what_follows_the_comment_counter_inside_a_line_is_not_the_article(joiner: str) -> None:
    """A page copied as one line keeps vietnam.vn's lists after the comment counter: teasers that
    are sentences. The counter ends the article there too."""
    article = "Die Provinz meldet Touristen am Grenzstein. Sie kamen aus Hanoi."
    tail = "Gleiches Thema Vietnam und China stärken die Grenzkooperation. Ein Satz."
    cleaned = clean_article(f"{article}{joiner}Kommentar (0) {tail}")
    assert cleaned.text == article
    assert cleaned.removed == ("Kommentar (0)", tail)
    # with the source line before the counter, as the site has it: the URL is the source, not text
    url = "https://baotintuc.vn/bien-gioi/quoc-phong-20250101.htm"
    cleaned = clean_article(f"{article} Quelle: {url}{joiner}Kommentar (0) {tail}")
    assert (cleaned.text, cleaned.source_url) == (article, url)
    # a source inside a sentence stays text
    prose = "Die Quelle: https://x.vn nennt Zahlen. Mehr dazu morgen."
    assert clean_article(prose).text == prose


# An article as html2text or `lynx -dump` gives it: every paragraph broken at a fixed width.
WRAPPED = """\
Erster Freundschaftsposten an der Grenze zwischen Vietnam und
China

Am Mittwoch sind die Grenzschutzstationen von Lao Cai auf
vietnamesischer und von Hekou auf chinesischer Seite eine
Partnerschaft eingegangen.

Entlang der gesamten Grenze zu China hat bislang kein anderes
Stationspaar eine solche Verbrüderung geschlossen. Dazu gehören
Erleichterungen bei der Ein- und Ausreise an der vietnamesisch-
chinesischen Grenze.
"""


def test_a_hard_wrapped_page_is_read_a_paragraph_per_line() -> None:
    """Wrapped lines have no closing punctuation: read as headlines, the classifier left out
    all but the lines that happened to end a sentence."""
    from topics.classifier.inputs import classified_document

    paragraphs = (
        "Erster Freundschaftsposten an der Grenze zwischen Vietnam und China",
        "Am Mittwoch sind die Grenzschutzstationen von Lao Cai auf vietnamesischer und von Hekou "
        "auf chinesischer Seite eine Partnerschaft eingegangen.",
        "Entlang der gesamten Grenze zu China hat bislang kein anderes Stationspaar eine solche "
        "Verbrüderung geschlossen. Dazu gehören Erleichterungen bei der Ein- und Ausreise an der "
        "vietnamesisch-chinesischen Grenze.",
    )
    assert clean_article(WRAPPED).paragraphs == paragraphs
    # without blank lines every word is kept, in order (a break may be taken for a wrapped one)
    no_blanks = clean_article(WRAPPED.replace("\n\n", "\n"))
    assert no_blanks.text.split() == " ".join(paragraphs).split()
    assert classified_document(WRAPPED) == classified_document("\n".join(paragraphs))


@pytest.mark.parametrize("width", [60, 72, 78, 100])
def test_the_seeds_wrapped_clean_as_the_seeds(seed_texts: dict[str, str], width: int) -> None:
    import textwrap

    for raw in seed_texts.values():
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        wrapped = "\n\n".join(textwrap.fill(line, width, break_long_words=False) for line in lines)
        assert clean_article(wrapped) == clean_article(raw)


def test_short_lines_of_a_page_are_not_taken_for_wrapped_ones() -> None:
    # headlines, a menu and a list: their breaks are real, whatever their lengths
    for text in ("Startseite\nPolitik\nWirtschaft\nGesellschaft\nKultur\nSport",
                 "Grenzsteine am Fluss\nTouristen aus Hanoi am Grenzstein\nVan Hien",
                 "Vietnam und China stärken die Grenzkooperation\nVerteidigungsminister "
                 "empfängt Delegation aus Laos\nNeuer Grenzübergang in Lang Son eröffnet"):
        assert clean_article(text) == clean_article("\n\n".join(text.split("\n"))), text


def test_a_short_wrapped_text_is_read_whole() -> None:
    """Two or three wrapped lines are too few for the width rule: the first lines read as
    headlines, and the classifier saw 10 of 31 words (notebook 03's example did)."""
    from topics.classifier.inputs import classified_document

    one_line = ("Hanoi (VOV) - Vietnams Verteidigungsminister Phan Van Giang hat am Montag "
                "seinen chinesischen Amtskollegen empfangen. Beide Seiten vereinbarten, die "
                "Zusammenarbeit der Grenzschutztruppen zu vertiefen.")
    wrapped = one_line.replace("seinen ", "seinen\n").replace("der ", "der\n")
    assert wrapped.count("\n") == 2
    assert classified_document(wrapped) == classified_document(one_line)
    cut = "Hilfe an der vietnamesisch-\nchinesischen Grenze und bei der Ein-\nund Ausreise."
    joined = "Hilfe an der vietnamesisch-chinesischen Grenze und bei der Ein- und Ausreise."
    assert clean_text(cut) == joined
    # headlines (one ending on a verb particle), a teaser marker, a menu: their breaks stay
    for text in ("Vietnam und Laos stärken Grenzzusammenarbeit\nAm Montag trafen sich beide.",
                 "Vietnam kündigt neue Reformen an\nDie Regierung legte am Montag einen Plan vor.",
                 "Lesen Sie auch:\nNeuer Grenzübergang eröffnet", "Startseite\nPolitik\nSport"):
        assert clean_text(text) == clean_text("\n\n".join(text.split("\n"))), text


def _wrapped_like_a_pdf(text: str, seed: int) -> str:
    import random

    from topics.corpus.synthetic import as_pdf_text

    return as_pdf_text(text, random.Random(seed))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_text_copied_from_a_pdf_keeps_its_words_and_labels(seed_texts, seed) -> None:
    """Lines of uneven length (no one width fits them) ending inside sentences were read as
    headlines: apart from the paragraphs, and dropped by the classifier's view where short; a word
    split at a line's end kept its hyphen ("Delega-tionen")."""
    from topics import load_classifier

    clf = load_classifier()
    for name, raw in seed_texts.items():
        pdf = _wrapped_like_a_pdf(raw, seed)
        assert clean_text(pdf).split() == clean_text(raw).split(), name
        assert set(clf.predict([pdf])[0]) == set(clf.predict([raw])[0]), name
        lead = split_paragraphs(clean_text(raw))[0]  # a few lines: too few to judge the widths
        pdf = _wrapped_like_a_pdf(lead, seed)
        assert clean_text(pdf).split() == lead.split(), name
        assert set(clf.predict([pdf])[0]) == set(clf.predict([lead])[0]), name


def test_a_word_split_at_a_lines_end_is_one_word_again() -> None:
    cases = {
        "die engere Zusam-\nmenarbeit der beiden Seiten": "die engere Zusammenarbeit der beiden Seiten",
        "am neuen Grenz-\nübergang.": "am neuen Grenzübergang.",
        "sie wollen zusammen-\narbeiten.": "sie wollen zusammenarbeiten.",
        # a hyphen of the word's own: an adjective pair, a compound going on in upper case, a
        # suspended hyphen
        "an der vietnamesisch-\nchinesischen Grenze": "an der vietnamesisch-chinesischen Grenze",
        "per E-\nMail und Vietnam-\nBesuch": "per E-Mail und Vietnam-Besuch",
        "die UN-\ngeführte Mission, EU-\nweit": "die UN-geführte Mission, EU-weit",
        "eine 100-\njährige Brücke": "eine 100-jährige Brücke",
        "bei der Ein-\nund Ausreise": "bei der Ein- und Ausreise",
    }
    for cut, whole in cases.items():
        assert clean_text(cut) == whole, cut


def test_a_short_text_breaks_after_a_comma_or_an_adjective_inside_its_sentence() -> None:
    text = ("Die Provinz bemüht sich, Hilfe ausländischer\nOrganisationen für Projekte in Bildung,"
            "\nGesundheit und Umweltschutz zu gewinnen.")
    assert clean_article(text).paragraphs == (" ".join(text.split()),)
    # a headline may end on a verb that looks like an adjective's stem: its break stays
    for text in ("Vietnam und Laos wollen die Grenze gemeinsam verteidigen\nAm Montag trafen sich "
                 "beide Minister.",
                 "Beide Seiten vereinbaren\nDie Regierung legte am Montag einen Plan vor."):
        assert len(clean_article(text).paragraphs) == 2, text


def test_paragraphs_of_one_length_are_not_taken_for_wrapped_lines() -> None:
    """Short paragraphs of about the same length, one per line, each ending a sentence: their
    breaks fit one width, but they are the text's paragraphs (they were joined into one)."""
    text = "\n".join(" ".join(f"Satz {j} über Thema {i} hier." for j in range(3))
                     for i in range(6))
    assert clean_article(text).paragraphs == tuple(text.split("\n"))


SIDEBAR = ("Meistgelesen\n"
           "Verteidigungsminister trifft japanischen Amtskollegen in Hanoi\n"
           "Beide Seiten vereinbarten, die Zusammenarbeit in der Verteidigung auszubauen.\n"
           "VNeID: 50 Millionen Bürger nutzen die elektronische Identifikation\n"
           "Das Ministerium will weitere öffentliche Online-Dienste an die Plattform anbinden.\n")
ARTICLE = ("Erster Freundschaftsposten an der Grenze zwischen Vietnam und China\n"
           "Am Mittwoch sind die Grenzschutzstationen von Lao Cai und Hekou eine Partnerschaft "
           "eingegangen.\n![]() |\n| Am Grenzübergang Lao Cai. (Foto: laocai.gov.vn) |\n"
           "Entlang der Grenze hat bislang kein anderes Stationspaar eine solche Verbrüderung "
           "geschlossen.")


def test_teasers_in_a_list_above_the_article_are_not_its_start() -> None:
    """A teaser is one sentence under its headline; the article's lead is followed by its body
    (past the photo). The list ended at the first teaser, which the classifier read as the lead."""
    from topics.classifier.inputs import classified_document

    cleaned = clean_article(SIDEBAR + ARTICLE)
    assert cleaned.paragraphs == clean_article(ARTICLE).paragraphs[1:]  # the headline went too
    assert cleaned.removed == tuple(SIDEBAR.splitlines()) + (ARTICLE.splitlines()[0], "![]() |")
    assert classified_document(SIDEBAR + ARTICLE) == classified_document(ARTICLE)


@pytest.mark.parametrize("after", ["", "\nMehr zum Thema\nNeuer Grenzübergang eröffnet\nEin Satz."])
def test_a_one_sentence_article_under_a_list_is_kept(after: str) -> None:
    lead = "Am Mittwoch sind die Grenzschutzstationen eine Partnerschaft eingegangen."
    cleaned = clean_article(f"{SIDEBAR}Erster Freundschaftsposten\n{lead}{after}")
    assert cleaned.paragraphs == (lead,)
    # a page of headlines and teasers only reads from its first sentence, as before
    assert clean_article(SIDEBAR + "Neuer Grenzübergang eröffnet").paragraphs == tuple(
        SIDEBAR.splitlines()[2:])
