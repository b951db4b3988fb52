"""How a topic is shown: colours that stay apart, marker shapes and short names, one palette for
the matplotlib figures and the HTML report (``topics report``).

``tab20`` (the old choice) pairs every hue with a lighter copy of itself, so topics 0 and 1, 2 and 3 …
look alike on a scatter plot. :data:`TOPIC_COLOURS` holds 20 colours chosen so that every pair is at
least 20 apart in CIE L*a*b* (ΔE*76, checked by a test): the ten of tab10 first, then ten more of
other hues or clearly other lightness. Beyond 20 topics the colours repeat and
:func:`topic_marker` changes the marker shape, so no two topics share both. The outlier topic ``-1``
is always light grey (:data:`OUTLIER_COLOUR`). :func:`topic_names` names a topic by its id and
best words (``"3: grenze · china · provinz · tag"``), for heatmap rows, legends and the report.

Standard library only: importing it costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "MARKERS",
    "OUTLIER_COLOUR",
    "TOPIC_COLOURS",
    "topic_colour",
    "topic_marker",
    "topic_names",
]

TOPIC_COLOURS: tuple[str, ...] = (
    "#1f77b4",  # blue
    "#ff7f0e",  # orange
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
    "#17becf",  # cyan
    "#000080",  # navy
    "#ffd700",  # gold
    "#00ff7f",  # spring green
    "#800000",  # maroon
    "#ff00ff",  # magenta
    "#006400",  # dark green
    "#00bfff",  # sky blue
    "#000000",  # black
    "#ffb6c1",  # light pink
    "#c0c0ff",  # lavender
)
OUTLIER_COLOUR = "#cccccc"
# plotly marker names (matplotlib: "o", "s", "D", "^", "v", "P")
MARKERS: tuple[str, ...] = (
    "circle", "square", "diamond", "triangle-up", "triangle-down", "cross",
)
_MPL_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle-up": "^",
                "triangle-down": "v", "cross": "P"}


def topic_colour(topic: int) -> str:
    """The colour of a topic.

    Parameters
    ----------
    topic : int
        A topic id; ``-1`` is the outlier topic.

    Returns
    -------
    str
        A hex colour (``#rrggbb``): :data:`OUTLIER_COLOUR` for ``-1``, else one of
        :data:`TOPIC_COLOURS` (repeating after 20 topics).
    """
    return OUTLIER_COLOUR if topic < 0 else TOPIC_COLOURS[topic % len(TOPIC_COLOURS)]


def topic_marker(topic: int, *, matplotlib: bool = False) -> str:
    """The marker shape of a topic: circles for the first 20 topics, then the next shape.

    Parameters
    ----------
    topic : int
        A topic id.
    matplotlib : bool
        Return matplotlib's marker code (``"o"``, ``"s"`` …) instead of plotly's name.

    Returns
    -------
    str
    """
    name = MARKERS[(max(topic, 0) // len(TOPIC_COLOURS)) % len(MARKERS)]
    return _MPL_MARKERS[name] if matplotlib else name


def topic_names(topics: Mapping[int, Sequence[Any]], n_words: int = 4) -> dict[int, str]:
    """A short name per topic: its id and its best words.

    Parameters
    ----------
    topics : mapping of int to sequence
        Topic id -> its words, best first, as ``(word, weight)`` pairs or plain strings (as in
        ``TopicModelResult.topics``).
    n_words : int
        Words per name.

    Returns
    -------
    dict of int to str
        ``{3: "3: grenze · china · provinz · tag", -1: "-1: outliers", ...}``.
    """
    names = {}
    for topic, words in topics.items():
        plain = [w[0] if isinstance(w, (list, tuple)) else str(w) for w in words][:n_words]
        if int(topic) == -1:
            names[-1] = "-1: outliers"
        else:
            names[int(topic)] = f"{int(topic)}: " + (" · ".join(plain) if plain else "(no words)")
    return names
