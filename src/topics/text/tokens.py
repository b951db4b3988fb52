"""GermanTokens: the tokens view as a scikit-learn transformer (texts -> lists of tokens).

Kept apart from :mod:`topics.text.german` so that analysing text never imports scikit-learn.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from topics.text.german import ANALYSIS_SCHEMA, GermanAnalyzer

__all__ = ["GermanTokens"]


class GermanTokens(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts -> lists of German tokens.

    Stateless: ``fit`` only checks the settings. The parameters are exactly the
    :class:`~topics.text.german.GermanAnalyzer` settings (same names, defaults and meaning).
    """

    def __init__(self, **settings: Any) -> None:
        # The signature is GermanAnalyzer's (set below), so get_params, clone and the docs list
        # the real parameters without a second copy of them here.
        unknown = sorted(set(settings) - set(ANALYSIS_SCHEMA.names))
        if unknown:
            raise TypeError(f"GermanTokens got unexpected parameter(s) {', '.join(unknown)}")
        for name, default in ANALYSIS_SCHEMA.defaults().items():
            setattr(self, name, settings.get(name, default))

    def _analyzer(self) -> GermanAnalyzer:
        return GermanAnalyzer(**self.get_params())

    def fit(self, X: Iterable[str], y: Any = None) -> GermanTokens:  # noqa: N803
        """Check the settings; nothing is learned.

        Returns
        -------
        GermanTokens
            self
        """
        self._analyzer()
        self.n_features_in_ = 1  # one text column, as scikit-learn's text transformers report
        return self

    def transform(self, X: Iterable[str]) -> list[list[str]]:  # noqa: N803
        """Analyse each text.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        list of list of str
            One token list per text.
        """
        analyzer = self._analyzer()
        return [analyzer(text) for text in X]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


# Without GermanAnalyzer's **unknown (it only catches wrong names): scikit-learn reads this
# signature as the list of parameters.
_SIGNATURE = inspect.signature(GermanAnalyzer.__init__)
GermanTokens.__init__.__signature__ = _SIGNATURE.replace(  # type: ignore[attr-defined]
    parameters=[p for p in _SIGNATURE.parameters.values() if p.kind != p.VAR_KEYWORD]
)
