"""The HTML of ``report.html``: what :mod:`topics.experiments.report` read, as one page.

Plain HTML and CSS, and plotly figures as JSON specs drawn by ``Plotly.newPlot`` with plotly.js
inlined from the installed plotly package (never fetched): the page needs no network and no server.
plotly's Python graph objects are not used. After the last figure is drawn the page sets
``window.topicsReportReady = true`` (the browser test waits for it). Every text from the run is
escaped; topic colours and markers come from :mod:`topics.evaluation.palette`.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from topics.errors import counted
from topics.evaluation.palette import topic_colour, topic_marker, topic_names

__all__ = ["NONE_LABEL", "LabelCounts", "ModelView", "render_page"]

NONE_LABEL = "none"
_LABEL_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                  "#bcbd22", "#17becf", "#000080")


@dataclass
class LabelCounts:
    """Topic × primary-label counts: row ``index`` (topic ids), ``columns`` (labels)."""

    index: list[int]
    columns: list[str]
    counts: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    @classmethod
    def of(cls, topics: Sequence[int], labels: Sequence[str]) -> LabelCounts:
        """Count the pairs (topic of a unit, its primary label)."""
        index, columns = sorted(set(topics)), sorted(set(labels))
        row = {t: i for i, t in enumerate(index)}
        column = {c: j for j, c in enumerate(columns)}
        counts = np.zeros((len(index), len(columns)), dtype=int)
        for topic, label in zip(topics, labels, strict=True):
            counts[row[topic], column[label]] += 1
        return cls(index, columns, counts)


@dataclass
class ModelView:
    """What the report shows of one topic model (from the saved model or from the run's tables)."""

    name: str
    family: str
    unit: str = ""
    topics: dict[int, list[tuple[str, float]]] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)  # id, article_id, labels, text, topic
    coords: np.ndarray | None = None
    coords_source: str = ""
    top_documents: dict[int, list[int]] = field(default_factory=dict)
    label_table: LabelCounts | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # why parts are missing (the model could not be read)
    map_note: str = "No document map: the model stores no embeddings or document × topic matrix."
    label_note: str = "No topic × label table (the corpus has no labels)."


# ------------------------------------------------------------------------------------------------
# small pieces


class _Raw:
    """A table cell that is already HTML."""

    def __init__(self, html_text: str):
        self.html = html_text


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _primary(labels: Sequence[str]) -> str:
    return labels[0] if labels else NONE_LABEL


def _first_words(text: str, n: int = 18) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.{digits}f}"
    return _e(value)


def _cell_number(value: str) -> str:
    try:
        return _number(float(value))
    except ValueError:
        return value


def _table(head: Sequence[Any], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    """An HTML table; cells are escaped unless they are ``_Raw``."""
    def cell(v: Any, tag: str) -> str:
        return f"<{tag}>{v.html if isinstance(v, _Raw) else _e(v)}</{tag}>"

    out = [f'<table class="{cls}"><thead><tr>' + "".join(cell(h, "th") for h in head)
           + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "".join(out)


def _json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


class _Figures:
    """Collects plotly figures; each becomes a div and one Plotly.newPlot call."""

    def __init__(self) -> None:
        self.specs: list[tuple[str, dict[str, Any]]] = []

    def add(self, name: str, data: list[dict[str, Any]], layout: dict[str, Any],
            height: int = 520) -> str:
        div = f"fig-{len(self.specs)}-{name}"
        layout = {"height": height, "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
                  "paper_bgcolor": "white", "plot_bgcolor": "white", **layout}
        self.specs.append((div, {"data": data, "layout": layout}))
        return f'<div class="figure" id="{_e(div)}" style="height:{height}px"></div>'

    def script(self) -> str:
        config = {"responsive": True, "displaylogo": False, "showLink": False,
                  "toImageButtonOptions": {"format": "png", "scale": 2}}
        calls = [f"draw({_json(div)},{_json(spec)});" for div, spec in self.specs]
        return (
            "<script>\n(function(){\n"
            f"var config={_json(config)};\n"
            "function draw(id,spec){var el=document.getElementById(id);"
            "Plotly.newPlot(el,spec.data,spec.layout,config);}\n"
            + "\n".join(calls)
            + "\nwindow.topicsReportReady=true;\n})();\n</script>"
        )


# ------------------------------------------------------------------------------------------------
# a topic model


def _hover(doc: dict[str, Any], name: str) -> str:
    labels = ", ".join(doc["labels"]) or NONE_LABEL
    words = _e(_first_words(doc["text"], 14)) if doc["text"] else ""
    return (f"<b>{_e(doc['id'])}</b><br>labels: {_e(labels)}<br>topic {_e(name)}"
            + (f"<br>{words}" if words else ""))


def _scatter(model: ModelView, members: list[int], name: str, marker: dict[str, Any],
             names: Mapping[int, str], group: str, visible: bool = True) -> dict[str, Any]:
    xy = np.round(model.coords, 4)
    docs = model.documents
    return {
        "type": "scatter", "mode": "markers", "name": name[:40], "visible": visible,
        "x": xy[members, 0].tolist(), "y": xy[members, 1].tolist(),
        "text": [_hover(docs[i], names.get(docs[i]["topic"], "")) for i in members],
        "hoverinfo": "text", "legendgroup": group,
        "marker": {"size": 7, "line": {"width": 0.5, "color": "white"}, **marker},
    }


def _document_map(model: ModelView, names: Mapping[int, str], figures: _Figures,
                  max_points: int) -> str:
    if model.coords is None or not model.documents:
        return f'<p class="note">{_e(model.map_note)}</p>'
    index = np.arange(len(model.documents))
    sampled = ""
    if len(index) > max_points:  # keep the file small and the page quick on big corpora
        index = np.sort(np.random.default_rng(0).choice(index, max_points, replace=False))
        sampled = f" ({max_points} of {len(model.documents)} units drawn, chosen at random)"
    docs = model.documents
    traces = []
    for topic in sorted({docs[i]["topic"] for i in index}):
        members = [int(i) for i in index if docs[i]["topic"] == topic]
        marker = {"color": topic_colour(topic), "symbol": topic_marker(topic),
                  "opacity": 0.45 if topic == -1 else 0.85}
        traces.append(_scatter(model, members, names.get(topic, str(topic)), marker, names,
                               "topic"))
    n_topic_traces = len(traces)
    labels = sorted({_primary(docs[i]["labels"]) for i in index},
                    key=lambda x: (x == NONE_LABEL, x))
    for j, label in enumerate(labels):
        members = [int(i) for i in index if _primary(docs[i]["labels"]) == label]
        colour = "#bbbbbb" if label == NONE_LABEL else _LABEL_COLOURS[j % len(_LABEL_COLOURS)]
        traces.append(_scatter(model, members, label, {"color": colour, "opacity": 0.8}, names,
                               "label", visible=False))
    by_topic = [True] * n_topic_traces + [False] * (len(traces) - n_topic_traces)
    layout = {
        "title": {"text": f"{model.name}: {model.unit}s, PCA of the {model.coords_source}",
                  "font": {"size": 14}},
        "xaxis": {"title": {"text": "PC 1"}, "zeroline": False, "showgrid": False},
        "yaxis": {"title": {"text": "PC 2"}, "zeroline": False, "showgrid": False},
        "hovermode": "closest",
        "legend": {"font": {"size": 10}, "itemsizing": "constant"},
        "updatemenus": [{
            "type": "buttons", "direction": "right", "x": 0, "y": 1.09, "xanchor": "left",
            "yanchor": "bottom", "showactive": True,
            "buttons": [
                {"label": "colour by topic", "method": "restyle", "args": ["visible", by_topic]},
                {"label": "colour by label", "method": "restyle",
                 "args": ["visible", [not v for v in by_topic]]},
            ],
        }],
    }
    return (figures.add(f"map-{model.name}", traces, layout, height=620)
            + '<p class="caption">Hover a point for its unit id, labels, topic and first words; '
              f"click legend entries to hide or isolate topics{_e(sampled)}.</p>")


def _heatmap(model: ModelView, names: Mapping[int, str], figures: _Figures) -> str:
    table = model.label_table
    if table is None or not len(table):
        return f'<p class="note">{_e(model.label_note)}</p>'
    counts = table.counts.astype(float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    rows = [names.get(int(t), str(t)) for t in table.index]
    data = [{
        "type": "heatmap", "z": np.round(shares, 4).tolist(), "x": [str(c) for c in table.columns],
        "y": rows, "text": counts.astype(int).tolist(), "texttemplate": "%{text}",
        "colorscale": [[0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"],
                       [1, "#08306b"]],  # matplotlib's Blues: white = none of the topic
        "zmin": 0, "zmax": 1,
        "colorbar": {"title": {"text": "share of topic"}},
        "hovertemplate": "%{y}<br>%{x}: %{text} units (%{z:.0%} of the topic)<extra></extra>",
    }]
    layout = {
        "title": {"text": f"{model.name}: topics × primary label (counts; colour = share of the "
                          "topic)", "font": {"size": 14}},
        "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
        "xaxis": {"automargin": True, "side": "bottom"},
        "margin": {"l": 20, "r": 20, "t": 40, "b": 40},
    }
    return figures.add(f"heatmap-{model.name}", data, layout,
                       height=max(320, 26 * len(rows) + 140))


def _swatch(topic: int) -> str:
    return f'<span class="swatch" style="background:{topic_colour(topic)}"></span>'


def _topics_table(model: ModelView, names: Mapping[int, str]) -> str:
    total = max(sum(model.sizes.values()), 1)
    rows = []
    for topic in sorted(set(model.topics) | set(model.sizes)):
        words = " ".join(w for w, _ in model.topics.get(topic, [])[:10])
        link = _Raw(_swatch(topic) + f'<a href="#{_e(model.name)}-topic-{topic}">'
                    f"{_e(names.get(topic, topic))}</a>")
        size = model.sizes.get(topic, 0)
        rows.append([topic, link, size, f"{size / total:.1%}", words])
    return _table(["id", "name", model.unit + "s" if model.unit else "size", "share",
                   "top words"], rows, "topics")


def _top_documents(model: ModelView, names: Mapping[int, str]) -> str:
    if not model.top_documents:
        return ""
    parts = []
    for topic, members in model.top_documents.items():
        docs = [model.documents[i] for i in members]
        rows = [[d["id"], d["article_id"], ", ".join(d["labels"]) or NONE_LABEL,
                 _first_words(d["text"], 40)] for d in docs]
        size = model.sizes.get(topic, len(members))
        parts.append(
            f'<details id="{_e(model.name)}-topic-{topic}"><summary>{_swatch(topic)}'
            f'{_e(names.get(topic, topic))} <span class="muted">({size} {_e(model.unit)}s)'
            "</span></summary>"
            + _table(["unit", "article", "labels", "first words"], rows, "docs")
            + "</details>"
        )
    return ('<h3>Top documents per topic</h3><p class="caption">The units most typical of each '
            "topic (highest topic probability, or closest to the topic's mean embedding).</p>"
            + "".join(parts))


def _model_section(model: ModelView, figures: _Figures, max_points: int) -> str:
    names = topic_names(model.topics)
    for topic in model.sizes:  # a topic id without words still gets a name
        names.setdefault(topic, f"{topic}: (no words)")
    shown = ["npmi", "c_v", "diversity", "nmi", "ari", "n_topics", "outlier_share"]
    metrics = [(k, _number(model.metrics.get(k))) for k in shown if k in model.metrics]
    return "".join([
        f'<section id="{_e(model.name)}"><h2>Topic model {_e(model.name)} '
        f'<span class="muted">({_e(model.family)}, {len(model.documents) or "?"} '
        f'{_e(model.unit or "unit")}s)</span></h2>',
        _table([k for k, _ in metrics], [[v for _, v in metrics]], "metrics") if metrics else "",
        f'<p class="note">{_e(model.note)}</p>' if model.note else "",
        "<h3>Topics</h3>", _topics_table(model, names),
        "<h3>Document map</h3>", _document_map(model, names, figures, max_points),
        "<h3>Topics × labels</h3>", _heatmap(model, names, figures),
        _top_documents(model, names),
        "</section>",
    ])


# ------------------------------------------------------------------------------------------------
# the classifier, the page


def _errors(predictions: list[dict[str, str]]) -> str:
    labels = [c.removeprefix("score_") for c in (predictions[0] if predictions else {})
              if c.startswith("score_")]
    rows = []
    for row in predictions:
        gold = set(filter(None, row["labels"].split("|")))
        predicted = set(filter(None, row["predicted"].split("|")))
        if gold == predicted:
            continue
        scores = ", ".join(f"{label} {float(row[f'score_{label}']):.2f}" for label in labels)
        rows.append([row["article_id"], ", ".join(sorted(gold)) or NONE_LABEL,
                     ", ".join(sorted(predicted)) or NONE_LABEL,
                     ", ".join(sorted(gold - predicted)) or "–",
                     ", ".join(sorted(predicted - gold)) or "–", scores])
    return (
        f"<h3>Errors ({len(rows)} of {counted(len(predictions), 'article')})</h3>"
        '<p class="caption">Articles whose predicted labels differ from the gold labels. These are '
        "the final model's predictions on its own training data (in-sample); the cross-validated "
        "numbers above are the honest estimate.</p>"
        + (_table(["article", "gold", "predicted", "missed", "extra", "scores"], rows, "errors")
           if rows else "<p>No errors.</p>")
    )


def _classifier_section(classifier: Mapping[str, Any]) -> str:
    cv, predictions = classifier.get("cv"), classifier.get("predictions")
    if cv is None and predictions is None:
        return ""
    parts = ['<section id="classifier"><h2>Classifier</h2>']
    if cv:
        parts.append("<h3>Cross-validated results</h3>")
        if classifier.get("cv_header"):
            parts.append(f'<p class="caption">{_e(classifier["cv_header"])}</p>')
        parts.append(_table(cv[0], cv[1:], "cv"))
        per_label = classifier.get("per_label")
        if per_label and "f1_mean" in per_label[0]:
            keep = [c for c in ("estimator", "unit", "label", "precision_mean", "recall_mean",
                                "f1_mean", "brier_mean") if c in per_label[0]]
            rows = [[_cell_number(row[c]) if c.endswith("_mean") else row[c] for c in keep]
                    for row in per_label]
            parts.append("<details><summary>per label</summary>"
                         + _table([c.removesuffix("_mean") for c in keep], rows, "cv")
                         + "</details>")
    if predictions is not None:
        parts.append(_errors(predictions))
    parts.append("</section>")
    return "".join(parts)


def _header(title: str, facts: Sequence[tuple[str, Any]], toc: Sequence[str]) -> str:
    links = [f'<a href="#{_e(name)}">{_e(name)}</a>' for name in toc]
    return (
        f"<header><h1>Topic browser · {_e(title)}</h1>"
        + "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v) + "</dl>"
        + (f"<nav>{' · '.join(links)}</nav>" if links else "") + "</header>"
    )


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 margin:0 auto;max-width:1250px;padding:0 24px 60px;color:#222;background:#fff}
h1{font-size:24px;margin:24px 0 8px}h2{font-size:20px;margin:36px 0 8px;
 border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:16px;margin:22px 0 6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dt{color:#666}dd{margin:0}nav{margin:10px 0;font-size:15px}a{color:#0b5cad}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}table.docs td:last-child,table.topics td:last-child{max-width:720px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;
 vertical-align:-1px;border:1px solid rgba(0,0,0,.25)}
.muted{color:#777;font-weight:normal}.note{color:#8a5300}.caption{color:#555;font-size:13px}
details{margin:4px 0}summary{cursor:pointer;padding:2px 0}
.figure{width:100%;border:1px solid #eee;margin:4px 0}
"""


def _plotly_js() -> str:
    """plotly.min.js from the installed plotly package (never from the network)."""
    from importlib import resources

    try:
        return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(
            encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        from plotly.offline import get_plotlyjs

        return get_plotlyjs()


def render_page(
    title: str,
    facts: Sequence[tuple[str, Any]],
    models: Sequence[ModelView],
    classifier: Mapping[str, Any],
    *,
    max_points: int = 5000,
) -> str:
    """The whole report as one HTML string.

    Parameters
    ----------
    title : str
        The run's name.
    facts : sequence of (str, value)
        Shown under the title (empty values are left out).
    models : sequence of ModelView
        One section each, in this order.
    classifier : mapping
        ``cv`` (rows of ``tables/classifier_cv.csv``, header first), ``cv_header`` (the line above
        ``classifier_cv.md``'s table), ``per_label`` and ``predictions`` (rows as dicts); missing
        or ``None`` entries leave their part out, all missing leave the section out.
    max_points : int
        At most this many units per document map (a seeded random sample beyond it).

    Returns
    -------
    str
    """
    figures = _Figures()
    sections = [_model_section(m, figures, max_points) for m in models]
    sections.append(_classifier_section(classifier))
    toc = [m.name for m in models] + (["classifier"] if sections[-1] else [])
    body = [_header(title, facts, toc), *sections]
    if not any(sections):
        body.append("<p>This run has no topic models and no classifier outputs.</p>")
    script = _plotly_js().replace("</script", "<\\/script")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · topics report</title>"
        f"<style>{_CSS}</style>\n<script>{script}</script>\n</head><body>\n"
        + "\n".join(body)
        + "\n" + figures.script() + "\n</body></html>\n"
    )
