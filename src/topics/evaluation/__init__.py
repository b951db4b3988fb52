"""Evaluation: topic metrics, classification scores, grouped folds, cross-validation, tables, plots.

Functions over predictions, assignments and tokens; the estimators come from the caller, so the
model packages (``topics.classifier``, ``topics.topic_models``) can use everything here.
"""
