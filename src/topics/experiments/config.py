"""The experiment config: a pydantic schema for YAML files, loading with overrides, clear errors.

A config fully describes one experiment (see ``experiments/configs/defaults.yaml``, generated from
this schema by :func:`render_defaults`, for every key and its default)::

    name: vietnam
    seed: 0
    corpus: {path: null, unit: paragraph}     # null = the 217 shipped articles
    topic_models:
      bertopic: {model: bertopic, min_topic_size: 8}
      nmf: {model: nmf, n_components: 8}
    classifier:
      evaluation: {n_splits: 5, seeds: [0, 1, 2], peers: true}

Topic-model settings, classifier parameters and the ``analysis`` section are the estimators' own
parameter names, checked against their schemas in :mod:`topics.registry`, so a config section
builds an estimator one to one. Loading and validation: :mod:`topics.experiments.loading`.

Everything is validated before any work: an unknown key (with the closest valid key), a wrong type or
an impossible value raises :class:`topics.errors.ConfigError` naming the file, the key path, the
value and what is allowed.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from topics.experiments.yaml_io import dump_yaml
from topics.numerics import repeated_seeds_problem, seed_problem

__all__ = [
    "DEFAULT_HEADLINE_METRICS",
    "AnalysisConfig",
    "ClassifierConfig",
    "ClassifierEvaluationConfig",
    "Config",
    "CorpusConfig",
    "DaskConfig",
    "EvaluationConfig",
    "OutputsConfig",
    "TopicModelConfig",
]

#: the first line of a run's config.yaml given --set overrides; then one ``# "key=value"`` line
#: (a JSON string) each. Runs before it have one ``# overrides: --set k=v --set ...`` line.
OVERRIDES_HEADER = "# overrides (--set), one JSON string a line:"

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
#: a topic model's name: no '.', which --set and grid keys split on and metric patterns match
_MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

def _seed(value: Any) -> Any:
    """A seed, or the one message of every seed check (:func:`topics.numerics.seed_problem`)."""
    if problem := seed_problem(value):
        raise ValueError(problem)
    return value


def _distinct(seeds: list[int] | None) -> list[int] | None:
    """A list of seeds without repeats (:func:`topics.numerics.repeated_seeds_problem`)."""
    if seeds is not None and (problem := repeated_seeds_problem(seeds)):
        raise ValueError(problem)
    return seeds


#: A seed every stochastic part takes: a whole number from 0 to 2**32 - 1.
Seed = Annotated[int, BeforeValidator(_seed)]
Seeds = Annotated[list[Seed], AfterValidator(_distinct)]

#: The metrics shown in the end-of-run summary and compared by default (fnmatch patterns).
DEFAULT_HEADLINE_METRICS: tuple[str, ...] = (
    "topics.*.npmi_mean",
    "topics.*.diversity_mean",
    "topics.*.nmi_mean",
    "topics.*.outlier_share_mean",
    "topics.*.n_topics_mean",
    "topics.*.stability_ari",
    "topics.*.stability_words",
    "classifier.*.macro_f1_mean",
    "classifier.*.subset_accuracy_mean",
    "classifier.*.accuracy_mean",
)


class _Section(BaseModel):
    """A config section: unknown keys are errors, defaults are validated too."""

    model_config = ConfigDict(extra="forbid", validate_default=True, validate_assignment=True,
                              strict=True)  # no `seed: true` -> 1, no `figures: "no"` -> False


class CorpusConfig(_Section):
    """Which corpus to read and how (the arguments of topics.load_corpus)."""

    #: Keys added after runs were stored, with the value that does what runs did before them:
    #: ``topics reproduce`` reruns a stored config that lacks one with that value.
    earlier: ClassVar[dict[str, Any]] = {"drop_repeated_paragraphs": None}

    path: str | None = Field(
        None,
        description="file or folder to read; null = the 217 shipped labelled articles. "
        "${VAR}, ${VAR:-default} and a leading ~ are expanded; relative paths are relative to "
        "the working directory",
    )
    format: Literal["folder", "jsonl", "csv", "parquet"] | None = Field(
        None, description="folder | jsonl | csv | parquet; null = guessed from the path"
    )
    text_column: int | str = Field("text", description="CSV: text column (0-based index or name)")
    label_column: int | str | None = Field(
        "labels", description="CSV: label column (index or name); null = no labels"
    )
    id_column: int | str | None = Field(
        None, description="CSV: id column; null = ids '<file stem>-<row number>'"
    )
    label_separator: str | None = Field(
        None, description="split label cells or strings on this (multi-label data)"
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
    drop_duplicates: bool = Field(
        False, description="keep the first of near-duplicate articles (reprints); before limit"
    )
    drop_repeated_paragraphs: int | None = Field(
        5, ge=2, description="take out paragraphs found word for word in this many distinct "
        "articles or more (site boilerplate: cookie and newsletter notes, disclaimers; reprints "
        "count once); null = keep every paragraph; before drop_duplicates"
    )
    limit: int | None = Field(
        None, ge=2, description="use N evenly spaced articles (quick trials); null = all"
    )


class AnalysisConfig(BaseModel):
    """German token settings (topics.GermanAnalyzer); null or left out = the analyzer's default."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_unset(cls, data: Any) -> Any:
        # `lowercase: null` means "the analyzer's default", exactly as leaving the key out
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data

    def settings(self) -> dict[str, Any]:
        """Return the settings that are set (not null), for the analyzer."""
        return {key: value for key, value in (self.model_extra or {}).items() if value is not None}


class TopicModelConfig(BaseModel):
    """One topic model: ``model`` (the family) and that family's own settings as further keys."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, strict=True)

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


def _units(value: Any) -> Any:
    """A list of test units names each once, and at least one."""
    if isinstance(value, list):
        if not value:
            raise ValueError("give at least one of article, paragraph, lead")
        if repeated := sorted({unit for unit in value if value.count(unit) > 1}):
            raise ValueError(f"name each unit once ({', '.join(repeated)} repeated)")
    return value


class ClassifierEvaluationConfig(_Section):
    """Grouped cross-validation of the classifier (evaluate_classifiers), on the same folds."""

    enabled: bool = Field(True, description="run the cross-validated evaluation")
    unit: Annotated[_TestUnit | list[_TestUnit], AfterValidator(_units)] = Field(
        "article",
        description="what the test side scores: article | paragraph | lead (first paragraph), or "
        "a list of them; training always uses whole articles, folds grouped by article",
    )
    n_splits: int = Field(5, ge=2, description="CV folds (grouped by article)")
    seeds: Seeds = Field([0, 1, 2], min_length=1, description="CV repetitions, one per seed")
    peers: bool = Field(True, description="evaluate the peers (TF-IDF + LinearSVC / LogReg) too")


class ClassifierConfig(BaseModel):
    """The classifier: enabled, fit, evaluation, and ArticleClassifier parameters as further keys."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, strict=True)

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
    seeds: Seeds | None = Field(
        None,
        min_length=1,
        description="the topic models' seeds: each fitted once per seed, mean and sd reported; "
        "set, it overrides seed for them (a --set seed=N then leaves them as they are); "
        "null = [seed]",
    )


class OutputsConfig(_Section):
    """Which outputs to write into the run directory."""

    figures: bool = Field(True, description="write PNG figures to figures/")
    save_models: bool = Field(True, description="save fitted models to models/")
    documents: bool = Field(True, description="write per-document outputs to documents/")
    report: bool = Field(True, description="write report.html, the topic browser")


class DaskConfig(_Section):
    """Where `topics sweep` runs its points: local processes, or Dask (see topics.distributed)."""

    scheduler: str | None = Field(
        None,
        description="null = local processes (n_jobs of them); local = a Dask LocalCluster on this "
        "machine; tcp://host:8786 = a running Dask scheduler (every worker with this version of "
        "topics and the same paths). Where work runs does not change a number, nor the config hash",
    )
    n_workers: int | None = Field(
        None, ge=1, description="LocalCluster worker processes; null = n_jobs"
    )
    threads_per_worker: int = Field(1, ge=1, description="LocalCluster threads per worker")

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        from topics.distributed import check_scheduler

        return check_scheduler(value)


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
    seed: Seed = Field(
        0,
        description="the classifier's random_state (unless the classifier section sets it), the "
        "global generators during the run, and the topic models' seed when evaluation.seeds is "
        "null (evaluation.seeds overrides it for them; the CV splits follow "
        "classifier.evaluation.seeds)",
    )
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
    dask: DaskConfig = Field(default_factory=DaskConfig)

    # where the config came from: for error messages and for config.yaml "as given"
    _source: str | None = PrivateAttr(None)
    _given_text: str | None = PrivateAttr(None)
    _overrides: tuple[str, ...] = PrivateAttr(())

    @field_validator("topic_models")
    @classmethod
    def _model_names(cls, value: dict[str, TopicModelConfig]) -> dict[str, TopicModelConfig]:
        for name in value:
            if not re.match(_MODEL_NAME, name):
                raise ValueError(f"topic model name {name!r} must be letters, digits, _ and - "
                                 "(no '.': keys like topic_models.NAME.k split on it)")
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
            text = dump_yaml(self.model_dump(mode="json", exclude_unset=True), sort_keys=False)
        if self._overrides:
            # one JSON string a comment line (ASCII escapes): a value with a line break or any
            # other character cannot end the comment, so the stored file always parses as YAML
            text = OVERRIDES_HEADER + "\n" + "".join(
                f"# {json.dumps(o)}\n" for o in self._overrides) + text
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
