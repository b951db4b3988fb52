"""The experiment config: a pydantic schema for YAML files, loading with overrides, clear errors.

A config fully describes one experiment (see ``experiments/configs/defaults.yaml``, generated from
this schema by :func:`render_defaults`, for every key and its default)::

    name: vietnam
    seed: 0
    corpus: {path: null, unit: paragraph}     # null = the 137 shipped articles
    topic_models:
      bertopic: {model: bertopic, min_topic_size: 8}
      nmf: {model: nmf, n_components: 8}
    classifier:
      evaluation: {n_splits: 5, seeds: [0, 1, 2], peers: true}

Topic-model settings and classifier parameters are the estimators' own parameter names, checked
against the estimators themselves, so a config section builds an estimator one to one.

Everything is validated before any work: an unknown key (with the closest valid key), a wrong type or
an impossible value raises :class:`topics.errors.ConfigError` naming the file, the key path, the
value and what is allowed.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import inspect
import json
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from topics.errors import ConfigError

__all__ = [
    "Config",
    "CorpusConfig",
    "AnalysisConfig",
    "TopicModelConfig",
    "ClassifierConfig",
    "ClassifierEvaluationConfig",
    "EvaluationConfig",
    "OutputsConfig",
    "load_config",
    "load_grid",
    "apply_overrides",
    "parse_override",
    "config_hash",
    "resolved_dict",
    "render_defaults",
    "write_starting_config",
    "DEFAULT_HEADLINE_METRICS",
]

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

#: The metrics shown in the end-of-run summary and compared by default (fnmatch patterns).
DEFAULT_HEADLINE_METRICS: tuple[str, ...] = (
    "topics.*.npmi",
    "topics.*.diversity",
    "topics.*.nmi",
    "topics.*.outlier_share",
    "topics.*.n_topics",
    "classifier.*.macro_f1_mean",
    "classifier.*.subset_accuracy_mean",
    "classifier.*.accuracy_mean",
)


class _Section(BaseModel):
    """A config section: unknown keys are errors, defaults are validated too."""

    model_config = ConfigDict(extra="forbid", validate_default=True, validate_assignment=True)


class CorpusConfig(_Section):
    """Which corpus to read and how (the arguments of topics.load_corpus)."""

    path: str | None = Field(
        None,
        description="file or folder to read; null = the 137 shipped labelled articles. "
        "${VAR} and ${VAR:-default} are expanded; relative paths are relative to the working directory",
    )
    format: Literal["folder", "jsonl", "csv"] | None = Field(
        None, description="folder | jsonl | csv; null = guessed from the path"
    )
    text_column: int | str = Field("text", description="CSV: text column (0-based index or name)")
    label_column: int | str | None = Field(
        "labels", description="CSV: label column (index or name); null = no labels"
    )
    id_column: int | str | None = Field(
        None, description="CSV: id column; null = ids '<file stem>-<row number>'"
    )
    label_separator: str | None = Field(
        None, description="CSV: split the label cell on this string (multi-label data)"
    )
    delimiter: str = Field(",", min_length=1, max_length=1, description="CSV: field delimiter")
    quotechar: str = Field('"', min_length=1, max_length=1, description="CSV: quote character")
    header: bool = Field(True, description="CSV: the first row names the columns")
    encoding: str = Field("utf-8", description="text encoding of the files")
    label_set: list[str] | None = Field(
        None, description="allowed labels; null = from labels.json or the labels found"
    )
    labels_file: str | None = Field(None, description="folder: labels file if not labels.json")
    name: str | None = Field(None, description="corpus name; null = the file or folder name")
    unit: Literal["article", "paragraph"] = Field(
        "paragraph", description="text unit of the topic models: article | paragraph"
    )
    limit: int | None = Field(
        None, ge=2, description="use N evenly spaced articles (quick trials); null = all"
    )


class AnalysisConfig(_Section):
    """German token settings (topics.GermanAnalyzer); null = the analyzer's default."""

    lowercase: bool | None = Field(None, description="lower-case tokens")
    lemmatise: bool | None = Field(None, description="lemmatise with simplemma")
    split_compounds: bool | None = Field(None, description="add the parts of compounds")
    keep_compounds: bool | None = Field(None, description="keep the whole compound as well")
    min_token_length: int | None = Field(None, ge=1, description="drop shorter tokens")
    keep_numbers: bool | None = Field(None, description="keep number tokens")
    extra_stop_words: list[str] | None = Field(None, description="domain stop words to add")
    join_names: bool | None = Field(
        None, description="keep multi-word names ('Phan Van Giang') as one token"
    )

    def settings(self) -> dict[str, Any]:
        """Return the settings that are set (not null), for the analyzer."""
        return {key: value for key, value in self.model_dump().items() if value is not None}


class TopicModelConfig(BaseModel):
    """One topic model: ``model`` (the family) and that family's own settings as further keys."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    model: str | None = Field(
        None, description="bertopic | lda | nmf | a peer name; null = the entry's name"
    )
    unit: Literal["article", "paragraph"] | None = Field(
        None, description="text unit for this model; null = corpus.unit"
    )

    def settings(self) -> dict[str, Any]:
        """Return the model's own settings (every key except ``model`` and ``unit``)."""
        return dict(self.model_extra or {})


_TestUnit = Literal["article", "paragraph", "lead"]


class ClassifierEvaluationConfig(_Section):
    """Grouped cross-validation of the classifier (evaluate_classifiers), on the same folds."""

    enabled: bool = Field(True, description="run the cross-validated evaluation")
    unit: _TestUnit | list[_TestUnit] = Field(
        "article",
        description="what the test side scores: article | paragraph | lead (first paragraph), or "
        "a list of them; training always uses whole articles, folds grouped by article",
    )
    n_splits: int = Field(5, ge=2, description="CV folds (grouped by article)")
    seeds: list[int] = Field([0, 1, 2], min_length=1, description="CV repetitions, one per seed")
    peers: bool = Field(True, description="evaluate the peers (TF-IDF + LinearSVC / LogReg) too")


class ClassifierConfig(BaseModel):
    """The classifier: enabled, fit, evaluation, and ArticleClassifier parameters as further keys."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = Field(True, description="evaluate and/or fit the classifier at all")
    fit: bool = Field(True, description="fit on the whole corpus, save it and its predictions")
    evaluation: ClassifierEvaluationConfig = Field(default_factory=ClassifierEvaluationConfig)

    def params(self) -> dict[str, Any]:
        """Return the ArticleClassifier parameters (every key but enabled/fit/evaluation)."""
        return dict(self.model_extra or {})


class EvaluationConfig(_Section):
    """What to report: headline metrics and topic-model seeds."""

    metrics: list[str] = Field(
        list(DEFAULT_HEADLINE_METRICS),
        description="headline metrics (fnmatch patterns over metrics.json keys) for the summary "
        "and for 'topics compare'",
    )
    seeds: list[int] | None = Field(
        None,
        min_length=1,
        description="fit every topic model once per seed and report mean and std; null = [seed]",
    )


class OutputsConfig(_Section):
    """Which outputs to write into the run directory."""

    figures: bool = Field(True, description="write PNG figures to figures/")
    save_models: bool = Field(True, description="save fitted models to models/")
    documents: bool = Field(True, description="write per-document outputs to documents/")


def _default_topic_models() -> dict[str, TopicModelConfig]:
    return {name: TopicModelConfig(model=name) for name in ("bertopic", "lda", "nmf")}


class Config(_Section):
    """An experiment: corpus, analysis, topic models, classifier, evaluation, outputs.

    Build it with :func:`load_config` (from a YAML file, a dict, with overrides); validation
    errors become :class:`topics.errors.ConfigError`.
    """

    name: str = Field(
        "experiment",
        pattern=_NAME,
        description="run name (letters, digits, _ . -); part of the run dir",
    )
    description: str | None = Field(None, description="free text")
    seed: int = Field(0, ge=0, description="the one seed (random_state) for every stochastic part")
    corpus: CorpusConfig = Field(default_factory=CorpusConfig)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    topic_models: dict[str, TopicModelConfig] = Field(
        default_factory=_default_topic_models,
        description="name -> {model: family, <that family's settings>}; {} = no topic models",
    )
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    outputs: OutputsConfig = Field(default_factory=OutputsConfig)
    tracking: Literal["none", "mlflow"] = Field("none", description="none | mlflow")
    tracking_uri: str | None = Field(
        None, description="MLflow tracking URI; null = sqlite:///<runs_dir>/mlflow.db"
    )
    n_jobs: int = Field(1, ge=1, description="parallel sweep points (topics sweep)")

    # where the config came from: for error messages and for config.yaml "as given"
    _source: str | None = PrivateAttr(None)
    _given_text: str | None = PrivateAttr(None)
    _overrides: tuple[str, ...] = PrivateAttr(())

    @field_validator("topic_models")
    @classmethod
    def _model_names(cls, value: dict[str, TopicModelConfig]) -> dict[str, TopicModelConfig]:
        for name in value:
            if not re.match(_NAME, name):
                raise ValueError(f"topic model name {name!r} must be letters, digits, _ . -")
        return value

    @property
    def source(self) -> str | None:
        """The file the config was read from (None for a dict)."""
        return self._source

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``key=value`` overrides applied on top of the file."""
        return self._overrides

    @property
    def given_text(self) -> str:
        """The config as given: the file's text (or the dict as YAML), plus the overrides."""
        text = self._given_text
        if text is None:
            text = yaml.safe_dump(self.model_dump(mode="json", exclude_unset=True), sort_keys=False)
        if self._overrides:
            text = "# overrides: " + " ".join(f"--set {o}" for o in self._overrides) + "\n" + text
        return text

    def topic_model_unit(self, name: str) -> str:
        """Return the text unit of topic model ``name`` (its own, else ``corpus.unit``)."""
        return self.topic_models[name].unit or self.corpus.unit

    def topic_model_family(self, name: str) -> str:
        """Return the model family of topic model ``name`` (its ``model``, else its name)."""
        return self.topic_models[name].model or name

    def topic_model_seeds(self) -> list[int]:
        """Return the seeds each topic model is fitted with."""
        return list(self.evaluation.seeds or [self.seed])


# --------------------------------------------------------------------------------------------
# estimator parameters: discovered from the estimators themselves, so keys never drift


def _signature_defaults(func: Any) -> dict[str, Any]:
    """Keyword parameters of ``func`` with their defaults (``inspect.Parameter.empty`` if none)."""
    out = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name == "self":
            continue
        out[name] = param.default
    return out


def topic_model_families() -> dict[str, dict[str, Any]] | None:
    """Return ``{family: {setting: default}}`` for the installed topic models.

    Families that read the German tokens view also accept the analysis settings (with no default
    of their own: they inherit the config's ``analysis`` section). Returns None when
    :mod:`topics.topic_models` is not available (settings are then passed through unchecked).
    """
    try:
        from topics.topic_models import MODEL_NAMES, PEER_MODELS, default_settings
    except ImportError:
        return None
    families = {}
    for name in MODEL_NAMES:
        settings = dict(default_settings(name))
        if name not in PEER_MODELS:  # the peers keep their own plain vectorizers
            for key in AnalysisConfig.model_fields:
                settings.setdefault(key, inspect.Parameter.empty)
        families[name] = settings
    return families


def analysis_defaults() -> dict[str, Any] | None:
    """Return the :class:`topics.GermanAnalyzer` default settings (None if absent)."""
    try:
        from topics.german import GermanAnalyzer
    except ImportError:
        return None
    return dict(GermanAnalyzer().settings)


def classifier_parameters() -> dict[str, Any] | None:
    """Return ``{parameter: default}`` of :class:`topics.ArticleClassifier` (None if absent)."""
    try:
        from topics.classifier import ArticleClassifier
    except ImportError:
        return None
    return dict(ArticleClassifier().get_params(deep=False))


# --------------------------------------------------------------------------------------------
# errors


def _closest(key: str, allowed: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
    return matches[0] if matches else None


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unknown_key(path: str, key: str, allowed: Iterable[str], value: Any) -> str:
    allowed = sorted(allowed)
    hint = _closest(key, allowed)
    did_you_mean = f"did you mean {hint!r}? " if hint else ""
    return (
        f"{path}: unknown key (value {_short(value)}); {did_you_mean}"
        f"allowed: {', '.join(allowed) if allowed else '(none)'}"
    )


def _section_keys(loc: Sequence[Any]) -> list[str]:
    """The valid keys of the section at ``loc`` (a pydantic error location without the key)."""
    model: type[BaseModel] = Config
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    path = _dotted(loc) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(path, str(loc[-1]), _section_keys(loc[:-1]), error.get("input"))
    value = _short(error.get("input"))
    message = error["msg"]
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        hint = _closest(str(error.get("input")), options)
        message = f"allowed: {expected}" + (f"; did you mean {hint!r}?" if hint else "")
    elif kind == "missing":
        return f"{path}: required key is missing"
    return f"{path} = {value}: {message}"


def _raise(problems: list[str], where: str, overrides: Sequence[str] = ()) -> None:
    origin = f" (with --set {' '.join(overrides)})" if overrides else ""
    raise ConfigError(f"invalid config {where}{origin}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------------
# overrides


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``"a.b.c=value"`` into ``(["a", "b", "c"], value)``; the value is parsed as YAML.

    Raises
    ------
    ConfigError
        If there is no ``=`` or the key is empty.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError(
            f"override {text!r}: expected KEY.PATH=VALUE, e.g. --set topic_models.nmf.n_components=8"
        )
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"override {text!r}: the value is not valid YAML ({exc})") from None
    return key.split("."), value


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Return a copy of the config mapping ``data`` with ``key.path=value`` overrides applied.

    A top-level section that the mapping leaves out starts from its default (so
    ``--set topic_models.lda.n_components=5`` tunes the default LDA and keeps the other default
    models).

    Parameters
    ----------
    data : mapping
        The config as read from YAML.
    overrides : iterable of str
        ``"a.b.c=value"`` strings; values are parsed as YAML (``8`` is an int, ``[1, 2]`` a list).

    Returns
    -------
    dict
    """
    out = copy.deepcopy(dict(data))
    for text in overrides:
        keys, value = parse_override(text)
        if keys[0] not in out and keys[0] in Config.model_fields and len(keys) > 1:
            default = Config.model_fields[keys[0]].get_default(call_default_factory=True)
            if isinstance(default, BaseModel):
                out[keys[0]] = default.model_dump(mode="json", exclude_unset=True)
            elif isinstance(default, dict):
                out[keys[0]] = {
                    k: (
                        v.model_dump(mode="json", exclude_unset=True)
                        if isinstance(v, BaseModel)
                        else v
                    )
                    for k, v in default.items()
                }
        node = out
        for depth, key in enumerate(keys[:-1]):
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                raise ConfigError(
                    f"override {text!r}: {'.'.join(keys[: depth + 1])} is {_short(child)}, "
                    "not a section, so it has no key "
                    f"{keys[depth + 1]!r}"
                )
            node = child
        node[keys[-1]] = value
    return out


# --------------------------------------------------------------------------------------------
# loading


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(text: str) -> str:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in ``text`` (unset without default -> error)."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        if value:
            return value
        if default is not None:
            return default
        raise ConfigError(f"{text!r}: environment variable {name} is not set and has no default")

    return _ENV.sub(replace, text)


def _read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; check the path (or `topics init-config`)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"config file {path}:{where} is not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"config file {path}: the top level must be a mapping of keys, got {type(data).__name__}"
        )
    return data, text


def _check_estimator_keys(config: Config) -> list[str]:
    """Check topic-model families/settings and classifier parameters against the estimators."""
    problems: list[str] = []
    families = topic_model_families()
    if families is not None:
        for name, spec in config.topic_models.items():
            family = spec.model or name
            if family not in families:
                hint = _closest(family, families)
                problems.append(
                    f"topic_models.{name}.model = {family!r}: unknown model"
                    + (f"; did you mean {hint!r}?" if hint else "")
                    + f" allowed: {', '.join(sorted(families))}"
                )
                continue
            allowed = families[family]
            for key, value in spec.settings().items():
                if key not in allowed:
                    problems.append(
                        _unknown_key(
                            f"topic_models.{name}.{key}", key, [*allowed, "model", "unit"], value
                        )
                    )
    if config.analysis.settings():
        try:
            from topics.german import GermanAnalyzer

            GermanAnalyzer(**config.analysis.settings())
        except ImportError:
            pass
        except (TypeError, ValueError) as exc:
            problems.append(f"analysis: {exc}")
    if config.classifier.enabled:
        params = classifier_parameters()
        if params is not None:
            for key, value in config.classifier.params().items():
                if key not in params:
                    allowed = [*params, *ClassifierConfig.model_fields]
                    problems.append(_unknown_key(f"classifier.{key}", key, allowed, value))
    return problems


def validate_config(
    data: Mapping[str, Any], *, source: str | None = None, overrides: Sequence[str] = ()
) -> Config:
    """Validate a config mapping (overrides already applied) into a :class:`Config`.

    Raises
    ------
    ConfigError
        Naming ``source``, every bad key path, its value and what is allowed.
    """
    where = source or "(config dict)"
    data = dict(data)
    corpus = data.get("corpus")
    if isinstance(corpus, dict) and isinstance(corpus.get("path"), str):
        corpus = dict(corpus)
        corpus["path"] = expand_env(corpus["path"])
        data["corpus"] = corpus
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        _raise([_describe(error) for error in exc.errors()], where, overrides)
    problems = _check_estimator_keys(config)
    if problems:
        _raise(problems, where, overrides)
    config._source = source
    config._overrides = tuple(overrides)
    return config


def load_config(
    source: Config | str | Path | Mapping[str, Any], overrides: Iterable[str] = ()
) -> Config:
    """Read and validate an experiment config, with ``key.path=value`` overrides applied first.

    Parameters
    ----------
    source : Config, str, Path or mapping
        A YAML file, a mapping of the same shape, or a Config (overrides then apply to its dump).
    overrides : iterable of str
        ``"a.b.c=value"`` strings (the CLI's ``--set``); values are parsed as YAML.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        If the file is missing or not YAML, or any key is unknown, mistyped or out of range; the
        message names the file, the key path, the value and what is allowed.
    """
    overrides = tuple(overrides)
    given_text = None
    if isinstance(source, Config):
        if not overrides:
            return source
        data = source.model_dump(mode="json")
        where = source.source
        given_text = source._given_text
    elif isinstance(source, (str, Path)):
        path = Path(source)
        data, given_text = _read_yaml(path)
        where = str(path)
    elif isinstance(source, Mapping):
        data, where = dict(source), None
    else:
        raise ConfigError(
            f"config must be a file path, a mapping or a Config, got {type(source).__name__}"
        )
    config = validate_config(apply_overrides(data, overrides), source=where, overrides=overrides)
    config._given_text = given_text
    return config


def load_grid(path: str | Path) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Read a sweep file: a base config plus ``grid: {key.path: [values, ...]}``.

    Returns
    -------
    base : dict
        The config mapping without ``grid``.
    grid : dict
        Key path -> list of values (at least one each).

    Raises
    ------
    ConfigError
        If ``grid`` is missing, empty, or a value list is not a non-empty list.
    """
    data, _ = _read_yaml(Path(path))
    grid = data.pop("grid", None)
    if not isinstance(grid, dict) or not grid:
        raise ConfigError(
            f"sweep file {path}: needs a non-empty 'grid' mapping, "
            "e.g. grid: {topic_models.nmf.n_components: [6, 8, 10]}"
        )
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(
                f"sweep file {path}: grid.{key} = {_short(values)}: must be a non-empty list of values"
            )
        parse_override(f"{key}=0")  # the key must be a valid dotted path
    return data, grid


# --------------------------------------------------------------------------------------------
# resolved config and its hash


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _plain(value: Any) -> Any:
    """Tuples -> lists (what YAML gives back), so a default compares equal to its YAML form."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _with_defaults(given: dict[str, Any], defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    """``given`` plus every JSON-able default not given (so the stored config is complete)."""
    if not defaults:
        return dict(given)
    out = {}
    for key, default in defaults.items():
        if key in given:
            out[key] = given[key]
        elif default is not inspect.Parameter.empty and _jsonable(_plain(default)):
            out[key] = _plain(default)
    out.update({k: v for k, v in given.items() if k not in out})
    return out


def resolved_dict(config: Config) -> dict[str, Any]:
    """Return the config with every default filled in, including the estimators' own defaults.

    This is what ``config.resolved.yaml`` holds; running it again gives the same experiment.
    """
    data = config.model_dump(mode="json")
    data["analysis"] = _with_defaults(config.analysis.settings(), analysis_defaults())
    families = topic_model_families() or {}
    for name, spec in config.topic_models.items():
        family = spec.model or name
        entry = {"model": family, "unit": config.topic_model_unit(name)}
        entry.update(_with_defaults(spec.settings(), families.get(family)))
        data["topic_models"][name] = entry
    classifier = data["classifier"]
    defaults = classifier_parameters()
    given = config.classifier.params()
    if defaults and "random_state" in defaults and "random_state" not in given:
        given["random_state"] = config.seed  # the one seed feeds the classifier too
    params = _with_defaults(given, defaults)
    for key in params:
        classifier.pop(key, None)
    data["classifier"] = {
        "enabled": classifier["enabled"],
        "fit": classifier["fit"],
        "evaluation": classifier["evaluation"],
        **params,
    }
    return data


def config_hash(config: Config | Mapping[str, Any]) -> str:
    """Return the first 8 hex digits of sha256 over the resolved config (canonical JSON)."""
    data = resolved_dict(config) if isinstance(config, Config) else config
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


def estimator_kwargs(
    given: Mapping[str, Any], defaults: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The settings to pass to an estimator: only those that differ from its defaults.

    Defaults written back into ``config.resolved.yaml`` come back from YAML as lists where the
    estimator had tuples; passing only real changes keeps the estimator's own default objects.
    A list given where the default is a tuple becomes a tuple.
    """
    out = {}
    for key, value in given.items():
        default = (defaults or {}).get(key, inspect.Parameter.empty)
        if default is not inspect.Parameter.empty and _plain(default) == value:
            continue
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# the documented defaults file


def _yaml_scalar(value: Any) -> str:
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("...")
        .strip()
    )


def _commented(entry: str, comment: str, pad: str, width: int = 100) -> list[str]:
    """``entry  # comment`` if it fits in ``width``, else the comment wrapped on lines above."""
    if not comment:
        return [entry]
    line = f"{entry:<32}# {comment}"
    if len(line) <= width:
        return [line]
    wrapped = textwrap.wrap(comment, width - len(pad) - 2)
    return [f"{pad}# {part}" for part in wrapped] + [entry]


def _render_section(model: type[BaseModel], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for name, field in model.model_fields.items():
        description = field.description or ""
        annotation = field.annotation
        default = field.get_default(call_default_factory=True)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            doc = " ".join((annotation.__doc__ or "").split("\n\n")[0].split())
            lines += _commented(f"{pad}{name}:", doc, pad)
            lines += _render_section(annotation, indent + 2)
            continue
        if name == "topic_models":
            lines += _commented(f"{pad}{name}:", description, pad)
            lines += _render_topic_models(indent + 2)
            continue
        value = default.model_dump(mode="json") if isinstance(default, BaseModel) else default
        entry = f"{pad}{name}: {_yaml_scalar(value)}"
        lines += _commented(entry, description, pad)
    if model is ClassifierConfig:
        lines += _render_estimator_params(classifier_parameters(), indent, "ArticleClassifier")
    return lines


# where the run fills in a parameter the estimator leaves open
_FILLED_BY_RUN = {
    "random_state": "the run's seed",
    "labels": "null = the corpus label set",
}


def _render_estimator_params(
    params: Mapping[str, Any] | None, indent: int, owner: str
) -> list[str]:
    pad = " " * indent
    if params is None:
        return [f"{pad}# ... plus {owner} parameters (not installed: cannot list them)"]
    lines = [f"{pad}# {owner} parameters (their defaults; set any of them here):"]
    inherited = [key for key, default in params.items() if default is inspect.Parameter.empty]
    for key, default in params.items():
        if default is inspect.Parameter.empty:
            continue
        shown = _yaml_scalar(_plain(default)) if _jsonable(_plain(default)) else "<object>"
        note = f"  ({_FILLED_BY_RUN[key]})" if key in _FILLED_BY_RUN else ""
        lines.append(f"{pad}# {key}: {shown}{note}")
    if inherited:
        lines.append(
            f"{pad}# + the {len(inherited)} analysis settings (default: the analysis section)"
        )
    return lines


def _render_topic_models(indent: int) -> list[str]:
    pad = " " * indent
    families = topic_model_families()
    lines = []
    for name in ("bertopic", "lda", "nmf"):
        lines.append(f"{pad}{name}:")
        lines.append(f"{pad}  model: {name}")
    lines.append(f"{pad}# every entry: model (family; default: the entry's name), unit (article |")
    lines.append(f"{pad}# paragraph; default: corpus.unit), and that family's own settings:")
    if families is None:
        lines.append(f"{pad}# (topics.topic_models is not installed: cannot list them)")
        return lines
    for family, settings in sorted(families.items()):
        lines += _render_estimator_params(settings, indent, f"model: {family} —")
    return lines


def render_defaults() -> str:
    """Return the commented YAML of every config key with its default (``defaults.yaml``)."""
    header = [
        "# topics experiment config: every key with its default value.",
        "# Generated from the schema in src/topics/config.py by `topics init-config`; a test checks",
        "# that experiments/configs/defaults.yaml matches it. Keys that you leave out take these",
        "# values. Estimator settings are the estimators' own parameter names.",
        "",
    ]
    return "\n".join(header + _render_section(Config, 0)) + "\n"


def write_starting_config(path: str | Path = "experiment.yaml", *, force: bool = False) -> Path:
    """Write a commented starting config (every key at its default) to ``path``.

    Raises
    ------
    ConfigError
        If ``path`` exists and ``force`` is false.
    """
    path = Path(path)
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; choose another path or pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_defaults(), encoding="utf-8")
    return path
