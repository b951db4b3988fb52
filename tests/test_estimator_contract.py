"""scikit-learn's estimator contract for ArticleClassifier and GermanTokens.

``check_estimator`` feeds numeric arrays, which text estimators cannot take (with the ``string``
input tag it runs nothing and warns). So we run, by name:

* every scikit-learn check that needs no data, exactly as scikit-learn ships it (``SKLEARN_CHECKS``);
* our text versions of the data checks (fit returns self, fit changes no parameter, pickling,
  unfitted error, idempotent fit, sample order and subset invariance, pipeline consistency, …).

Skipped on purpose, with why (``SKIPPED``): the checks about numeric arrays — dtypes, NaN/inf,
sparse and complex input, 1-D/2-D shapes, ``n_features_in_``, memory layout, read-only memmaps,
the array API — and about sample weights, n_iter and sparse coefficients, which these estimators
do not have.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as checks

import topics

SKLEARN_CHECKS = (
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_mixin_order",
)
SKIPPED = {
    "check_estimators_dtypes": "numeric dtypes; the input is text",
    "check_dtype_object": "object arrays of numbers; the input is text",
    "check_estimators_nan_inf": "NaN/inf in a numeric matrix; the input is text",
    "check_complex_data": "complex numbers; the input is text",
    "check_estimator_sparse_array": "sparse input; the input is text",
    "check_estimator_sparse_matrix": "sparse input; the input is text",
    "check_estimator_sparse_tag": "sparse input; the input is text",
    "check_fit1d": "1-D numeric X; the input is a list of texts",
    "check_fit2d_1feature": "2-D numeric X",
    "check_fit2d_1sample": "2-D numeric X",
    "check_fit2d_predict1d": "2-D numeric X",
    "check_n_features_in": "no feature columns: one text per sample",
    "check_n_features_in_after_fitting": "no feature columns: one text per sample",
    "check_f_contiguous_array_estimator": "memory layout of numeric arrays",
    "check_readonly_memmap_input": "memory-mapped numeric arrays",
    "check_array_api_input": "array API namespaces of numeric arrays",
    "check_array_api_mixed_inputs": "array API namespaces of numeric arrays",
    "check_array_api_same_namespace": "array API namespaces of numeric arrays",
    "check_positive_only_tag_during_fit": "numeric values",
    "check_sample_weights_*": "fit takes no sample_weight (paragraph weights are a parameter)",
    "check_all_zero_sample_weights_error": "fit takes no sample_weight",
    "check_class_weight_balanced_linear_classifier": "numeric toy data; class_weight is tested on text below",
    "check_non_transformer_estimators_n_iter": "no n_iter_ attribute",
    "check_transformer_n_iter": "no n_iter_ attribute",
    "check_sparsify_coefficients": "no sparsify method",
    "check_transformer_preserve_dtypes": "tokens are lists of str, not a numeric dtype",
}

TEXTS = [
    "Der Verteidigungsminister empfing eine Delegation. Die Armee übte gemeinsam.",
    "Die Grenze zu Laos wurde markiert. Grenzschutz und Patrouillen an der Grenze.",
    "Die Freundschaftsgesellschaft lud Gäste zum Austausch ein. Solidarität der Völker.",
    "Online-Dienste der Verwaltung wurden digitalisiert. Bürger nutzen die Datenbank.",
    "Der Minister sprach über Verteidigung und Militär. Ein Abkommen wurde unterzeichnet.",
    "An der Grenze eröffnete ein neuer Grenzübergang. Händler nutzen den Grenzhandel.",
    "Auslandsvietnamesen trafen Freunde aus vielen Ländern. Ein Fest der Freundschaft.",
    "Die Regierung baut E-Government aus. Verwaltungsverfahren laufen nun digital.",
] * 2
LABELS = [["defence_cooperation"], ["border_relations"], ["people_to_people_diplomacy"],
          ["digital_government"]] * 4


def _estimators() -> list:
    return [
        topics.ArticleClassifier(cv=2, labels=list(topics.LABELS), min_df=1),
        topics.GermanTokens(keep_compounds=False),
    ]


def _id(est: object) -> str:
    return type(est).__name__


def _fit(est: object) -> object:
    if isinstance(est, topics.ArticleClassifier):
        return est.fit(TEXTS, LABELS)
    return est.fit(TEXTS)


def _outputs(est: object, texts: list[str]) -> object:
    if isinstance(est, topics.ArticleClassifier):
        return est.predict_proba(texts)
    return est.transform(texts)


@pytest.mark.parametrize("check", SKLEARN_CHECKS)
@pytest.mark.parametrize("estimator", _estimators(), ids=_id)
def test_sklearn_data_free_checks(estimator, check) -> None:
    getattr(checks, check)(_id(estimator), estimator)


def test_every_sklearn_check_is_run_or_skipped_with_a_reason() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    ours = {"check_estimators_fit_returns_self", "check_dont_overwrite_parameters",
            "check_estimators_overwrite_params", "check_estimators_pickle",
            "check_estimators_unfitted", "check_transformers_unfitted", "check_fit_idempotent",
            "check_methods_sample_order_invariance", "check_methods_subset_invariance",
            "check_dict_unchanged", "check_pipeline_consistency", "check_fit_check_is_fitted",
            "check_estimators_empty_data_messages", "check_fit_score_takes_y",
            "check_supervised_y_2d", "check_decision_proba_consistency",
            "check_classifiers_train", "check_classifiers_classes", "check_classifiers_one_label",
            "check_classifiers_one_label_sample_weights", "check_classifier_data_not_an_array",
            "check_class_weight_classifiers", "check_classifiers_regression_target",
            "check_supervised_y_no_nan", "check_requires_y_none", "check_transformer_general",
            "check_transformer_data_not_an_array", "check_estimators_partial_fit_n_features",
            "check_sample_weight_equivalence_on_dense_data",
            "check_sample_weight_equivalence_on_sparse_data"}
    names = {
        getattr(c, "func", c).__name__
        for est in (LogisticRegression(), StandardScaler())
        for c in checks._yield_all_checks(est, legacy=True)
    }
    skipped = {n for n in names if n in SKIPPED or (n.startswith("check_sample_weights_"))}
    assert names - set(SKLEARN_CHECKS) - ours - skipped == set()


@pytest.mark.parametrize("estimator", _estimators(), ids=_id)
def test_fit_returns_self_and_changes_no_parameter(estimator) -> None:
    before = {k: pickle.dumps(v) for k, v in estimator.get_params().items()}
    assert _fit(estimator) is estimator
    after = {k: pickle.dumps(v) for k, v in estimator.get_params().items()}
    assert before == after
    assert not any(k.endswith("_") for k in vars(clone(estimator)))  # learned state not cloned


@pytest.mark.parametrize("estimator", _estimators(), ids=_id)
def test_pickle_round_trip_keeps_outputs(estimator) -> None:
    fitted = _fit(estimator)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_equal(_outputs(again, TEXTS[:4]), _outputs(fitted, TEXTS[:4]))


def _rows(outputs: object) -> list:
    """Outputs as comparable rows (probabilities rounded: summation order may differ by 1 ulp)."""
    if isinstance(outputs, np.ndarray):
        return [tuple(np.round(row, 12)) for row in outputs]
    return list(outputs)


@pytest.mark.parametrize("estimator", _estimators(), ids=_id)
def test_fit_is_idempotent_and_order_and_subset_invariant(estimator) -> None:
    first = _rows(_outputs(_fit(clone(estimator)), TEXTS))
    assert _rows(_outputs(_fit(estimator), TEXTS)) == first
    order = np.random.default_rng(0).permutation(len(TEXTS))
    assert _rows(_outputs(estimator, [TEXTS[i] for i in order])) == [first[i] for i in order]
    assert _rows(_outputs(estimator, TEXTS[:3])) == first[:3]


def test_classifier_unfitted_empty_and_pipeline() -> None:
    clf = topics.ArticleClassifier(cv=2, min_df=1)
    with pytest.raises(NotFittedError):
        clf.predict(TEXTS[:1])
    with pytest.raises(ValueError, match="no texts"):
        clf.fit([], [])
    pipe = make_pipeline(topics.ArticleClassifier(cv=2, min_df=1)).fit(TEXTS, LABELS)
    direct = topics.ArticleClassifier(cv=2, min_df=1).fit(TEXTS, LABELS)
    assert pipe.predict(TEXTS) == direct.predict(TEXTS)


def test_classifier_decision_and_proba_agree() -> None:
    clf = _fit(topics.ArticleClassifier(cv=2, labels=list(topics.LABELS), min_df=1))
    scores, proba = clf.decision_function(TEXTS), clf.predict_proba(TEXTS)
    for j in range(scores.shape[1]):  # calibration is monotone: a higher score, no lower proba
        order = np.argsort(scores[:, j], kind="stable")
        assert np.all(np.diff(proba[order, j]) >= -1e-12)


def test_classifier_takes_an_indicator_matrix_and_single_labels() -> None:
    from topics.labels import to_indicator

    indicator = to_indicator(LABELS)
    by_matrix = topics.ArticleClassifier(cv=2, labels=list(topics.LABELS), min_df=1)
    by_lists = topics.ArticleClassifier(cv=2, labels=list(topics.LABELS), min_df=1)
    np.testing.assert_allclose(by_matrix.fit(TEXTS, indicator).predict_proba(TEXTS),
                               by_lists.fit(TEXTS, LABELS).predict_proba(TEXTS))
    single = topics.ArticleClassifier(cv=2, min_df=1).fit(TEXTS, [y[0] for y in LABELS])
    assert set(single.predict(TEXTS)) <= set(topics.LABELS)
    assert single.score(TEXTS, [y[0] for y in LABELS]) > 0.9
    with pytest.raises(ValueError, match="at least two different classes"):
        topics.ArticleClassifier(cv=2).fit(TEXTS[:2], ["a", "a"])


def test_german_tokens_transforms_without_fit_and_in_a_pipeline() -> None:
    tokens = topics.GermanTokens()
    with pytest.raises(TypeError):
        topics.GermanTokens(lowercased=True)
    assert tokens.transform(["Verträge"]) == [["vertrag"]]
    assert tokens.fit_transform(["Verträge"]) == [["vertrag"]]
    assert clone(tokens).get_params() == tokens.get_params()
