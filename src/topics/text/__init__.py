"""Text views: clean text (:mod:`~topics.text.cleaning`) and German tokens (:mod:`~topics.text.german`).

``lexicon`` holds the word data (stop words, lemmas, compounds); ``tokens`` the scikit-learn
transformer over the tokens view. Nothing here imports scikit-learn but ``tokens``.
"""
