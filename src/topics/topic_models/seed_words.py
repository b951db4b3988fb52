"""Seed words and German descriptions of the four labels, for guided and zero-shot BERTopic.

Derived from the codebook (``seeds/LABELS.md``: "an article carries it when its main subject is …" and
"typical signals"). Words are natural German; :func:`seed_topic_list` maps them through the tokens view
so they match the c-TF-IDF vocabulary (lemmas, lowercase, compound parts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

SEED_WORDS: dict[str, tuple[str, ...]] = {
    "people_to_people_diplomacy": (
        "Volksdiplomatie", "Freundschaftsgesellschaft", "Freundschaft", "Nichtregierungsorganisation",
        "NGO", "Solidarität", "Völkerfreundschaft", "Austausch", "Auslandsvietnamesen", "humanitär",
    ),
    "defence_cooperation": (
        "Verteidigungsminister", "Verteidigung", "Armee", "Militär", "Friedenssicherung",
        "Verteidigungsindustrie", "Kriegsfolgen", "Blindgänger", "Dioxin", "Marine",
    ),
    "border_relations": (
        "Grenze", "Grenzübergang", "Grenzmarkierung", "Grenzschutz", "Grenzprovinz",
        "Grenzverteidigung", "Grenzbewohner", "Grenzhandel", "Patrouille", "Grenzsoldat",
    ),
    "digital_government": (
        "Online-Dienst", "öffentliche Dienstleistung", "digitale Transformation", "E-Government",
        "VNeID", "Verwaltungsverfahren", "Datenbank", "Digitalisierung", "Verwaltung", "digital",
    ),
}

LABEL_DESCRIPTIONS: dict[str, str] = {
    "people_to_people_diplomacy": (
        "Volksdiplomatie: Freundschaftsgesellschaften, Nichtregierungsorganisationen und ihre Hilfe, "
        "Solidarität, Austausch zwischen den Völkern, Auslandsvietnamesen, internationale Freunde"
    ),
    "defence_cooperation": (
        "Verteidigungszusammenarbeit: Verteidigungsminister, Armee und Militär, Delegationen, "
        "Friedenssicherung der UN, Verteidigungsindustrie, Überwindung von Kriegsfolgen"
    ),
    "border_relations": (
        "Grenzbeziehungen: Grenze, Grenzmarkierung, Grenzübergang, Grenzhandel, Grenzprovinzen, "
        "Grenzschutz, gemeinsame Patrouillen, Grenzbewohner"
    ),
    "digital_government": (
        "Digitale Regierung: Online-Dienste, öffentliche Dienstleistungen, digitale Transformation, "
        "E-Government, nationale Datenbanken, VNeID, Verwaltungsverfahren"
    ),
}


def seed_topic_list(
    analyzer: Callable[[str], Sequence[str]], vocabulary: Sequence[str] | None = None
) -> list[list[str]]:
    """The seed words of every label in tokens-view form, in label order.

    Parameters
    ----------
    analyzer : callable
        The tokens view (``topics.GermanAnalyzer``).
    vocabulary : sequence of str, optional
        Keep only words in this vocabulary (seed words outside it cannot be boosted).
    """
    known = set(vocabulary) if vocabulary is not None else None
    lists = []
    for words in SEED_WORDS.values():
        tokens: list[str] = []
        for word in words:
            for token in analyzer(word):
                if token not in tokens and (known is None or token in known):
                    tokens.append(token)
        lists.append(tokens)
    return lists


def zeroshot_topic_list() -> list[str]:
    """The four German label descriptions, in label order."""
    return list(LABEL_DESCRIPTIONS.values())
