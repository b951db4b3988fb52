"""Text that is not German (a crawl's English page) is reported at load and in the summary."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import topics
from topics.classifier.shipped import classify_files
from topics.cli import main
from topics.text.language import german_share, looks_german

from .conftest import user_warnings

# one news item in seven other languages, as a site's language switch gives it
OTHER_LANGUAGES = {
    "en": "Vietnam and Laos opened a new international border gate on Monday. The two sides agreed "
          "to maintain the border markers together and to facilitate trade in goods. It is the third "
          "gate this year, and more are planned as trade between the neighbours grows.",
    "fr": "Le Vietnam et le Laos ont ouvert lundi un nouveau poste frontière international. Les deux "
          "parties ont convenu d'entretenir ensemble les bornes frontalières et de faciliter le "
          "commerce des marchandises, qui progresse chaque année entre les deux pays voisins.",
    "nl": "Vietnam en Laos hebben maandag een nieuwe internationale grensovergang geopend. De twee "
          "partijen kwamen overeen de grensmarkeringen samen te onderhouden en de handel in goederen "
          "te vergemakkelijken, die tussen de buurlanden elk jaar groeit als de wegen beter worden.",
    "es": "Vietnam y Laos abrieron el lunes un nuevo paso fronterizo internacional. Ambas partes "
          "acordaron mantener juntos los hitos fronterizos y facilitar el comercio de mercancías, "
          "que crece cada año entre los dos países vecinos gracias a las nuevas carreteras.",
    "it": "Il Vietnam e il Laos hanno aperto lunedì un nuovo valico di frontiera internazionale. Le "
          "due parti hanno concordato di mantenere insieme i cippi di confine e di facilitare il "
          "commercio di merci, che cresce ogni anno tra i due paesi vicini con le nuove strade.",
    "da": "Vietnam og Laos åbnede mandag en ny international grænseovergang. De to parter blev enige "
          "om sammen at vedligeholde grænsemarkeringerne og lette handelen med varer, som vokser "
          "hvert år mellem de to nabolande, efterhånden som vejene bliver bedre og flere.",
    "vi": "Việt Nam và Lào đã khai trương cửa khẩu quốc tế mới vào thứ Hai. Hai bên nhất trí cùng "
          "nhau duy trì các cột mốc biên giới và tạo thuận lợi cho thương mại hàng hóa, vốn tăng "
          "trưởng hằng năm giữa hai nước láng giềng nhờ những con đường mới tốt hơn.",
}


def test_every_shipped_article_looks_german(shipped_corpus: topics.Corpus) -> None:
    assert min(german_share(text)[0] for text in shipped_corpus.clean_texts()) > 0.2  # the margin
    assert shipped_corpus.summary().not_german == ()


def test_every_10kgnad_article_looks_german(gnad_corpus: topics.Corpus) -> None:
    assert min(german_share(text)[0] for text in gnad_corpus.clean_texts()) > 0.15


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_the_same_news_in_another_language_is_not_german(language: str) -> None:
    assert german_share(OTHER_LANGUAGES[language])[0] <= 0.06
    assert not looks_german(OTHER_LANGUAGES[language])


def test_a_short_text_is_not_judged() -> None:
    assert looks_german("Vietnam and Laos opened a border gate.")


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


def test_load_warns_by_name_keeps_the_article_and_the_summary_lists_it(
    tmp_path: Path, shipped_corpus: topics.Corpus
) -> None:
    records = [{"id": a.id, "text": a.text} for a in shipped_corpus[:3]]
    records.append({"id": "page-en", "text": OTHER_LANGUAGES["en"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = topics.load_corpus(_jsonl(tmp_path / "crawl.jsonl", records))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "crawl.jsonl: line 4" in messages[0]
    assert "'page-en' does not look German" in messages[0]
    assert len(corpus) == 4 and corpus.summary().not_german == ("page-en",)
    assert "not German (30+ words, under 8% German function words): 1 article: page-en" in str(
        corpus.summary())


def test_many_foreign_pages_are_named_five_times_then_summed_up(tmp_path: Path) -> None:
    records = [{"id": f"p{i}", "text": OTHER_LANGUAGES["fr"]} for i in range(8)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        topics.load_corpus(_jsonl(tmp_path / "crawl.jsonl", records))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 6 and "more articles that are not German follow" in messages[-1]


def test_classify_marks_and_names_the_texts_that_are_not_german(tmp_path, capsys, seed_texts):
    """A crawl's English and French pages are classified like the rest, flagged ``german: false``
    in every output and named once on stderr; German pages are not."""
    corpus = tmp_path / "crawl.jsonl"
    records = [{"id": name, "text": text} for name, text in sorted(seed_texts.items())[:3]]
    records += [{"id": f"page-{code}", "text": OTHER_LANGUAGES[code]} for code in ("en", "fr")]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    output = tmp_path / "labels.jsonl"
    assert main(["--quiet", "classify", str(corpus), "--output", str(output)]) == 0
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r["german"] for r in rows} == {**{r["id"]: True for r in records[:3]},
                                                   "page-en": False, "page-fr": False}
    err = capsys.readouterr().err
    assert "2 of 5 texts do not look German" in err and "page-en, page-fr" in err
    assert [r["german"] for r in classify_files([str(corpus)])] == [True] * 3 + [False] * 2


def test_the_command_line_shows_a_warning_as_one_line(tmp_path):
    """A warning on the command line is one line naming the command, not Python's file, line
    number and source line of the code that issued it."""
    import subprocess
    import sys

    corpus = tmp_path / "crawl.jsonl"
    corpus.write_text(json.dumps({"id": "page-en", "text": OTHER_LANGUAGES["en"]}) + "\n",
                      encoding="utf-8")
    code = "import sys; from topics.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "--quiet", "classify", str(corpus)],
                          capture_output=True, text=True, timeout=300, check=True)
    lines = done.stderr.splitlines()
    assert lines[0].startswith("topics classify: warning: ") and "page-en" in lines[0]
    assert "UserWarning" not in done.stderr and ".py:" not in done.stderr


@pytest.mark.parametrize("scheduler", [None, "local"])
def test_streamed_analysis_warns_as_load_does(tmp_path: Path, shipped_corpus, scheduler) -> None:
    """The streamed analysis leaves the look at the clean text to its chunk tasks (which clean
    anyway); the warnings are those of load_corpus, with the same places, here and on Dask."""
    from topics.corpus.stream import analyse_corpus

    records = [{"id": a.id, "text": a.text} for a in shipped_corpus[:5]]
    records[1:1] = [{"id": f"p{i}", "text": OTHER_LANGUAGES["fr"]} for i in range(7)]
    records.append({"id": "digits", "text": "1111 2222"})
    path = _jsonl(tmp_path / "crawl.jsonl", records)

    loaded = user_warnings(lambda: topics.load_corpus(path))
    streamed = user_warnings(lambda: analyse_corpus(path, tmp_path / "t.jsonl", chunk_size=3,
                                             scheduler=scheduler, n_workers=2))
    assert streamed == loaded
    assert len(loaded) == 7 and "crawl.jsonl: line 2: article 'p0'" in loaded[0]
    assert "more articles that are not German follow" in loaded[5]
    assert "crawl.jsonl: line 13: article 'digits' has no letters" in loaded[6]


def test_each_text_is_cleaned_once_and_subsets_do_not_warn_again(
    tmp_path: Path, shipped_corpus: topics.Corpus, monkeypatch
) -> None:
    """A corpus cleans each text once, for its checks, and keeps the result for its clean texts
    and units; it warns about a foreign page once: its subsets and slices (a run's sample,
    drop_duplicates, a notebook's corpus[:100]) hold the same checked articles and take their
    clean forms from it; their records are still checked (an index given twice)."""
    from topics.corpus import checks
    from topics.corpus import records as records_module
    from topics.text import cleaning

    records = [{"id": a.id, "text": a.text} for a in shipped_corpus[:6]]
    records.append({"id": "page-en", "text": OTHER_LANGUAGES["en"]})
    path = _jsonl(tmp_path / "crawl.jsonl", records)
    cleaned = []
    original = cleaning.clean_article

    def spy(raw: str):
        cleaned.append(raw)
        return original(raw)

    for module in (cleaning, checks, records_module):  # every name the cleaning is called by
        monkeypatch.setattr(module, "clean_article", spy)
    corpus = topics.load_corpus(path)  # warns once (test above)
    clean = corpus.clean_texts()
    assert len(corpus.units("paragraph")) >= len(corpus)
    subsets = []
    assert user_warnings(lambda: subsets.extend(
        [corpus[2:], corpus.subset([6, 0]), corpus.drop_duplicates()])) == []
    assert [s.clean_texts() for s in subsets] == [clean[2:], [clean[6], clean[0]], clean]
    assert subsets[1].summary().not_german == ("page-en",)
    assert cleaned == [r["text"] for r in records]
    with pytest.raises(topics.CorpusError, match="duplicate id 'page-en'"):
        corpus.subset([6, 6])
    assert len(user_warnings(lambda: topics.Corpus(list(corpus)))) == 1  # a new corpus warns


# a German article with a quote in English and a caption-like line in Vietnamese
GERMAN_WITH_FOREIGN = (
    "Vietnam und Laos haben am Montag einen neuen internationalen Grenzübergang eröffnet.\n\n"
    + OTHER_LANGUAGES["en"].split(". ")[0] + ".\n\n"
    "Die beiden Seiten vereinbarten, die Grenzmarkierungen gemeinsam zu pflegen und den Handel "
    "mit Waren zu erleichtern.\n\n"
    + OTHER_LANGUAGES["vi"].split(". ")[0] + "."
)


def test_a_paragraph_in_english_or_vietnamese_inside_a_german_article_goes() -> None:
    """Its words were the article's: "the", "and" in the topic models' tokens, and a shift of
    the classifier's probabilities (up to 0.09 on the shipped articles)."""
    from topics.classifier.inputs import classified_document

    paragraphs = GERMAN_WITH_FOREIGN.split("\n\n")
    cleaned = topics.clean_article(GERMAN_WITH_FOREIGN)
    assert cleaned.paragraphs == (paragraphs[0], paragraphs[2])
    assert cleaned.removed == (paragraphs[1], paragraphs[3])  # kept, in page order
    assert topics.clean_text(cleaned.text) == cleaned.text
    german = "\n\n".join((paragraphs[0], paragraphs[2]))
    assert classified_document(GERMAN_WITH_FOREIGN) == classified_document(german)
    assert "the" not in topics.analyse(cleaned.text)


def test_what_is_no_other_language_stays() -> None:
    from topics.text.language import foreign_paragraphs

    german = "Der Minister traf am Montag seinen Amtskollegen in der Hauptstadt Hanoi."
    kept = [
        "„We are committed to peace“, sagte der Minister am Montag in der Hauptstadt.",
        "Rapid: Novota - Schobesberger, Sonnleitner, Hofmann, Schwab, Schaub, Grahovac",
        "Phan Văn Giang, Nguyễn Tân Cương und Hoàng Xuân Chiến trafen in der Provinz ein.",
        "The Guardian",  # too short to tell
    ]
    assert foreign_paragraphs([german, *kept]) == []
    # a page wholly in another language is looks_german's to report, not cleaning's to empty
    assert foreign_paragraphs(OTHER_LANGUAGES["en"].split(". ")) == []
    assert topics.clean_text(OTHER_LANGUAGES["vi"]) == OTHER_LANGUAGES["vi"]
