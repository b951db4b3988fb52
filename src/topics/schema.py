"""Settings schemas read from typed signatures: one place for names, defaults, types and help.

An estimator's settings are the keyword parameters of its constructor or fit function. Their
annotation is the type (``Literal[...]`` for a fixed set of values, ``Annotated[int, Ge(2)]`` for
a bound), their default is the default, and the numpydoc ``Parameters`` section of the docstring is
the help. :func:`schema_of` reads all three into a :class:`Schema`, which config validation,
resolved configs, ``defaults.yaml`` and ``topics models`` use, as spaCy derives its config schema
from registered functions. Nothing lists a setting twice.

Values are checked with pydantic in strict mode (``True`` is not an int, ``"yes"`` not a bool); a
YAML list is accepted where the annotation says tuple, a numpy integer where it says int. pydantic
is imported only when a value is checked.
"""

from __future__ import annotations

import inspect
import numbers
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, Union

from topics.errors import ConfigError, closest, short, unknown_key

__all__ = ["EMPTY", "EstimatorSpec", "Schema", "Setting", "describe_type", "plain_ints",
           "schema_of"]

EMPTY = inspect.Parameter.empty
"""The default of a setting that has none of its own (e.g. inherited from another section)."""

_BOUNDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, type annotation and help text."""

    name: str
    default: Any
    annotation: Any
    help: str = ""

    @property
    def type_text(self) -> str:
        """The type in words, e.g. ``"int >= 2 | 'auto'"``."""
        return describe_type(self.annotation)

    @property
    def choices(self) -> tuple[Any, ...] | None:
        """The allowed values when the type is a ``Literal`` (with ``None`` if optional)."""
        return _literal_values(self.annotation)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed (one phrase), or None when it is."""
        if self.annotation is Any:
            return None
        try:
            _adapter(self.annotation).validate_python(_tuples_from_lists(plain_ints(value)))
        except Exception:  # pydantic.ValidationError: the type says it all, in our words
            hint = ""
            choices = self.choices
            if choices and isinstance(value, str):
                near = closest(value, [c for c in choices if isinstance(c, str)])
                hint = f"; did you mean {near!r}?" if near else ""
            return f"must be {self.type_text}{hint}"
        return None


@dataclass(frozen=True)
class Schema:
    """The settings of one estimator, in signature order.

    Parameters
    ----------
    owner : str
        Who the settings belong to, for messages (``"model 'nmf'"``).
    settings : tuple of Setting
    """

    owner: str
    settings: tuple[Setting, ...]
    aliases: tuple[tuple[str, str], ...] = ()

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings)

    def __len__(self) -> int:
        return len(self.settings)

    def __contains__(self, name: object) -> bool:
        return any(s.name == name for s in self.settings)

    def __getitem__(self, name: str) -> Setting:
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The setting names, in order."""
        return tuple(s.name for s in self.settings)

    def defaults(self) -> dict[str, Any]:
        """``{name: default}`` of the settings that have a default."""
        return {s.name: s.default for s in self.settings if s.default is not EMPTY}

    def extended(self, other: Schema) -> Schema:
        """This schema followed by the settings of ``other`` it does not have."""
        extra = tuple(s for s in other.settings if s.name not in self)
        return Schema(self.owner, self.settings + extra, self.aliases)

    def with_aliases(self, aliases: Mapping[str, str]) -> Schema:
        """The same schema, hinting ``aliases`` (a name people use -> the setting it means)."""
        return Schema(self.owner, self.settings, tuple(aliases.items()))

    def hint(self, key: str) -> str | None:
        """The setting a wrong ``key`` most likely means: an alias, else the closest name."""
        return dict(self.aliases).get(key) or closest(key, self.names)

    def problems(self, values: Mapping[str, Any], path: str = "") -> list[str]:
        """Every unknown key and disallowed value of ``values``, as messages (empty if fine).

        With ``path`` (a config key path such as ``"topic_models.nmf"``) messages name the full
        key path; without it they name the owner.
        """
        out = []
        prefix = f"{path}." if path else ""
        for key, value in values.items():
            if key in self:
                problem = self[key].problem(value)
                if problem:
                    out.append(f"{prefix}{key}={short(value)}: {problem}")
            elif path:
                out.append(unknown_key(f"{path}.{key}", key, self.names, value, self.hint(key)))
            else:
                hint = self.hint(key)
                did_you_mean = f"did you mean {hint!r}? " if hint else ""
                out.append(
                    f"unknown setting {key!r} of {self.owner} (value {short(value)}); "
                    f"{did_you_mean}allowed: {', '.join(sorted(self.names))}"
                )
        return out

    def validate(self, values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
        """Check ``values``; return them with YAML lists turned into tuples where expected.

        Raises
        ------
        ConfigError
            Naming every unknown key (with the closest valid one) and every disallowed value.
        """
        problems = self.problems(values)
        if problems:
            head = f"{where}: " if where else ""
            raise ConfigError(f"{head}" + "; ".join(problems))
        return {key: self.coerce(key, value) for key, value in values.items()}

    def coerce(self, name: str, value: Any) -> Any:
        """``value`` as the estimator expects it: a list becomes a tuple where the type is one,
        a numpy integer a Python int."""
        value = plain_ints(value)
        if isinstance(value, list) and _wants_tuple(self[name].annotation):
            return tuple(value)
        return value


def schema_of(
    func: Callable[..., Any], owner: str, *, skip: Iterable[str] = (), doc: str | None = None
) -> Schema:
    """Read the settings of ``func`` (a function or a class) from its signature and docstring.

    Parameters
    ----------
    func : callable
        A function, or a class (its ``__init__`` is read).
    owner : str
        Who the settings belong to, for messages.
    skip : iterable of str
        Parameters that are inputs, not settings (``"units"``, ``"seed"``).
    doc : str, optional
        The docstring with the ``Parameters`` section; default ``func.__doc__``.

    Returns
    -------
    Schema
    """
    target = func.__init__ if isinstance(func, type) else func
    hints = typing.get_type_hints(target, include_extras=True)
    helps = _parameter_help(doc if doc is not None else func.__doc__ or "")
    skipped = {"self", *skip}
    settings = []
    for name, param in inspect.signature(target).parameters.items():
        if name in skipped or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        settings.append(Setting(name, param.default, hints.get(name, Any), helps.get(name, "")))
    return Schema(owner, tuple(settings))


# ------------------------------------------------------------------------------------------------
# types in words


def describe_type(annotation: Any) -> str:
    """An annotation in words: ``Annotated[int, Ge(2)] | Literal['auto']`` -> ``int >= 2 | 'auto'``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None) or annotation is None:
        return "null"
    if origin is Annotated:
        base, *metadata = args
        bounds = [
            f"{_BOUNDS[key]} {getattr(m, key)}"
            for m in metadata
            for key in _BOUNDS
            if getattr(m, key, None) is not None
        ]
        return " ".join([describe_type(base), *([" and ".join(bounds)] if bounds else [])])
    if origin is Literal:
        return " | ".join("null" if a is None else repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " | ".join(describe_type(a) for a in args)
    if origin is tuple:
        return "[" + ", ".join(describe_type(a) for a in args if a is not Ellipsis) + "]"
    if origin in (list, typing.Sequence, Iterable) or str(origin).endswith("Sequence'>"):
        return f"list of {describe_type(args[0])}" if args else "list"
    if annotation is Any:
        return "any value"
    return getattr(annotation, "__name__", str(annotation))


def _literal_values(annotation: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Literal:
        return tuple(args)
    if origin in (Union, types.UnionType):
        values: list[Any] = []
        for arg in args:
            if arg is type(None):
                values.append(None)
                continue
            inner = _literal_values(arg)
            if inner is None:
                return None
            values.extend(inner)
        return tuple(values)
    return None


def _wants_tuple(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return True
    if origin in (Union, types.UnionType, Annotated):
        return any(_wants_tuple(a) for a in typing.get_args(annotation))
    return False


def plain_ints(value: Any) -> Any:
    """``value`` with numpy (or other) integers made Python ints, also inside lists and tuples:
    ``np.int64(5)`` is a number of topics as ``5`` is. Booleans stay booleans."""
    if isinstance(value, numbers.Integral) and not isinstance(value, int):
        return int(value)
    if isinstance(value, list | tuple):
        return type(value)(plain_ints(v) for v in value)
    return value


def _tuples_from_lists(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples_from_lists(v) for v in value)
    return value


@cache
def _adapter(annotation: Any) -> Any:
    from pydantic import ConfigDict, TypeAdapter

    return TypeAdapter(_lists_as_sequences(annotation), config=ConfigDict(strict=True))


def _lists_as_sequences(annotation: Any) -> Any:
    """``list[X]`` -> ``tuple[X, ...]``: values reach the check with lists made tuples."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list or (origin is not None and str(origin).endswith("Sequence'>")):
        return tuple[args[0], ...] if args else tuple
    if origin in (Union, types.UnionType):
        return Union[tuple(_lists_as_sequences(a) for a in args)]  # noqa: UP007 - built at run time
    return annotation


# ------------------------------------------------------------------------------------------------
# help text from numpydoc

_SECTION = re.compile(r"^\s*(\w[\w ]*)\n\s*-{3,}\s*$", re.MULTILINE)


def _parameter_help(doc: str) -> dict[str, str]:
    """``{name: description}`` from the numpydoc ``Parameters`` section of ``doc``."""
    text = inspect.cleandoc(doc)
    sections = list(_SECTION.finditer(text))
    for i, match in enumerate(sections):
        if match.group(1).strip() != "Parameters":
            continue
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        return _entries(text[match.end() : end])
    return {}


def _entries(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    names: list[str] = []
    lines: list[str] = []

    def flush() -> None:
        for name in names:
            out[name] = " ".join(lines).strip()

    for line in body.splitlines():
        if line and not line[0].isspace():
            flush()
            names = [n.strip() for n in line.split(" : ")[0].split(",") if n.strip()]
            lines = []
        elif line.strip():
            lines.append(line.strip())
    flush()
    return out


@dataclass(frozen=True)
class EstimatorSpec:
    """A registered estimator: its name, what it is, its settings, and how to fit and load it.

    Attributes
    ----------
    name : str
        The name configs use (``model: nmf``).
    kind : {"topic_model", "classifier"}
    summary : str
        One line for listings and help.
    schema : Schema
        Every setting it accepts (for topic models that read the tokens view, the analysis
        settings too).
    fit : callable
        Topic models: ``fit(units, seed, **settings) -> FittedTopics``; the classifier:
        ``fit(texts, labels, **params)`` -> the fitted estimator.
    peer : bool
        A reference model with its library's defaults, not one of ours.
    reads_tokens : bool
        Reads the German tokens view, so the ``analysis`` settings apply to it.
    n_topics_setting : str or None
        The setting that fixes the number of topics.
    check : callable or None
        ``check(settings, n_units) -> list of problems``: what can be checked against the
        corpus before fitting (numbers of topics, minimum sizes), so a run fails before it starts.
    earlier : mapping of str to value
        Settings added after runs were stored, each with the value that does what the estimator
        did before the setting existed (a stored config that lacks one is rerun with it:
        :func:`topics.experiments.reproduce.reproduce_run`).
    """

    name: str
    kind: str
    summary: str
    schema: Schema
    fit: Callable[..., Any]
    peer: bool = False
    reads_tokens: bool = False
    n_topics_setting: str | None = None
    check: Callable[[Mapping[str, Any], int], list[str]] | None = None
    earlier: Mapping[str, Any] = field(default_factory=dict)
