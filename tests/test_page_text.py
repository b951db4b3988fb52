"""Text as users paste or scrape it from news pages: the classifier reads what the page says."""

from __future__ import annotations

import pytest

import topics

ARTICLE = (
    "Die Grenzschutzstationen von Lao Cai und Hekou haben am Mittwoch eine Partnerschaft "
    "eingegangen.\n"
    "Das Dokument sieht gemeinsame Patrouillen entlang der Grenze und Erleichterungen am "
    "Grenzübergang vor. \"Die Zusammenarbeit wird vertieft\", sagte der Kommandeur."
)


@pytest.mark.parametrize("encode", [
    lambda t: t.replace(" ", "&nbsp;"),
    lambda t: t.replace('"', "&quot;").replace("Grenzübergang", "Grenz&uuml;bergang"),
    lambda t: t.replace('"Die', "&#8222;Die").replace('", sagte', "&#x201C;, sagte"),
    lambda t: t.replace(" ", "&amp;nbsp;", 3),  # encoded twice
])
def test_html_entities_are_the_characters_they_stand_for(encode) -> None:
    raw = encode(ARTICLE)
    assert "&" in raw
    # was "Grenze&nbsp;zwischen" as one word and a word "quot": explain named a whole
    # paragraph joined by &nbsp; as its strongest term
    assert topics.clean_text(raw) == topics.clean_text(ARTICLE)
    assert topics.analyse(raw) == topics.analyse(ARTICLE)
    clf = topics.load_classifier()
    assert clf.predict_proba([raw]) == pytest.approx(clf.predict_proba([ARTICLE]))


def test_an_ampersand_that_is_no_entity_stays() -> None:
    text = "AT&T und F&E, Forschung &amp Entwicklung, &foo; bleiben."
    assert topics.clean_text(text) == text
    assert topics.clean_text("&amp;foo;") == topics.clean_text(topics.clean_text("&amp;foo;"))


@pytest.mark.parametrize("banner", [
    "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis zu bieten. Mit der Nutzung "
    "stimmen Sie der Verwendung von Cookies zu.",
    "Wir verwenden Cookies. Weitere Informationen finden Sie in unserer Datenschutzerklärung.",
    "This website uses cookies to improve your experience. By continuing you agree to our use "
    "of cookies.",
])
def test_a_cookie_banner_is_not_the_lead(banner: str) -> None:
    raw = f"{banner}\nAkzeptieren\nAblehnen\n{ARTICLE}"
    cleaned = topics.clean_article(raw)
    # was the body's first paragraph: the lead the classifier scores, its words in explain
    assert cleaned.paragraphs[0] == topics.clean_article(ARTICLE).paragraphs[0]
    assert banner in cleaned.removed
    clf = topics.load_classifier()
    assert clf.predict_proba([raw]) == pytest.approx(clf.predict_proba([ARTICLE]), abs=1e-6)


@pytest.mark.parametrize("text", [
    "Die Bäckerei in Hanoi verkauft Cookies nach amerikanischem Rezept.",
    # news about cookie rules is digital government, not a banner: no site speaks to its reader
    "Das Ministerium prüft, ob Websites Cookies ohne Einwilligung der Nutzer setzen dürfen, und "
    "will den Datenschutz verschärfen.",
    "\"Wir verlangen, dass Anbieter Cookies erst nach Zustimmung setzen\", sagte der Minister.",
])
def test_an_article_that_mentions_cookies_keeps_them(text: str) -> None:
    assert topics.clean_text(text) == text


@pytest.mark.parametrize("mark", [
    lambda t: t.replace("Grenzübergang", "[Grenzübergang](https://vietnam.vn/de/grenzuebergang-123)"),
    lambda t: t.replace("\n", " [Mehr](https://vietnam.vn/de/artikel-9)\n"),
    lambda t: "\n".join(f"<p>{line}</p>" for line in t.splitlines()),
    lambda t: t.replace("Die Grenzschutzstationen", "<strong>Die Grenzschutzstationen</strong>"),
    lambda t: t.replace("Grenzübergang", "Grenz<b>übergang</b>").replace("\n", "<br>\n"),
])
def test_link_targets_and_leftover_tags_are_not_words(mark) -> None:
    raw = mark(ARTICLE)
    # were words: "https", "vietnam", "vn", "artikel", "p>Die", "strong>Die" (explain showed
    # "Mehr](https://vietnam.vn/de/artikel-9" as a term)
    expected = topics.clean_text(ARTICLE)  # "[Mehr](…)" after a sentence is a button: it goes
    assert topics.clean_text(raw) == expected
    clf = topics.load_classifier()
    assert clf.predict([raw]) == clf.predict([expected])


def test_image_markers_and_bare_brackets_stay_as_they_were() -> None:
    raw = "![]() |\nDie Liste [1] nennt (Seite 3) die Grenze.\nEin Satz mit a < b und c > d."
    assert topics.clean_article(raw).text == (
        "Die Liste [1] nennt (Seite 3) die Grenze.\n\nEin Satz mit a < b und c > d.")


@pytest.mark.parametrize("dateline", ["Hanoi (VNA) - ", "Ho-Chi-Minh-Stadt (VNA) – ",
                                      "Da Nang (VNA) - ", "Wien (APA) - "])
def test_a_news_agency_dateline_is_not_the_lead(dateline: str) -> None:
    """Like "(VOVWORLD) - ": the agency was a word of every lead ("VNA" in explain)."""
    lead = "Am Mittwoch sind die Grenzschutzstationen eine Partnerschaft eingegangen."
    assert topics.clean_text(dateline + lead) == lead


def test_a_bracketed_name_before_a_dash_inside_news_stays() -> None:
    text = "Die Vereinten Nationen (UN) - die größte Organisation der Welt - tagen in Hanoi."
    assert topics.clean_text(text) == text


@pytest.mark.parametrize("button", ["Mehr", "Weiterlesen »", "Mehr lesen ›", "[Mehr](https://vietnam.vn/de/a-1)"])
def test_a_read_more_button_does_not_make_a_paragraph_a_headline(button: str) -> None:
    """A short paragraph ending "... vereinbart. Weiterlesen": no longer ending in a sentence, it
    was read as a headline and not classified."""
    from topics.text.cleaning import prose_paragraphs

    short = "Vietnam und Laos haben eine engere Zusammenarbeit der Grenzschutzstationen vereinbart."
    clean = topics.clean_article(f"{short} {button}\n\n{short}")
    assert clean.paragraphs == (short, short)
    assert list(prose_paragraphs(clean.paragraphs)) == [short, short]


def test_more_inside_a_sentence_stays() -> None:
    for text in ("Die Provinz braucht mehr.", "Das gibt es nicht mehr", "Er sagte: Mehr!"):
        assert topics.clean_text(text) == text
