"""A linear classifier over sparse named features: fitted with scikit-learn, applied with numpy.

A fitted model is nothing but a vocabulary, the classes and a weight matrix, so it is stored as a small
compressed ``.npz`` of plain arrays (no pickle: loading runs no code, and a model file does not depend on
the scikit-learn version that wrote it). Applying it needs numpy only, so extraction does not import
scikit-learn at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Fixed seed for every fit: the same gold gives the same model.
SEED = 13


class LinearModel:
    def __init__(self, vocab: dict[str, int], classes: list[str], coef: np.ndarray, intercept: np.ndarray):
        self.vocab, self.classes, self.coef, self.intercept = vocab, classes, coef, intercept

    @classmethod
    def fit(cls, features: list[dict[str, float]], labels: list[str], c: float = 1.0,
            sample_weight: list[float] | None = None) -> LinearModel:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vec = DictVectorizer()
        x = vec.fit_transform(features)
        learner = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
        learner.fit(x, labels, sample_weight=sample_weight)
        classes = [str(k) for k in learner.classes_]
        coef, intercept = learner.coef_, learner.intercept_
        if len(classes) == 2:  # scikit-learn keeps one row for two classes: make it one per class
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        vocab = {name: i for i, name in enumerate(vec.feature_names_)}
        return cls(vocab, classes, np.asarray(coef, dtype=np.float32), np.asarray(intercept, dtype=np.float32))

    def scores(self, features: dict[str, float]) -> np.ndarray:
        idx = [(self.vocab[k], v) for k, v in features.items() if k in self.vocab]
        z = self.intercept.astype(np.float64).copy()
        for i, v in idx:
            z += v * self.coef[:, i]
        z -= z.max()
        p = np.exp(z)
        return p / p.sum()

    def scores_many(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The class probabilities of many examples at once (one matrix product, not a loop per row)."""
        z = np.tile(self.intercept.astype(np.float64), (len(rows), 1))
        idx = [(r, self.vocab[k], v) for r, f in enumerate(rows) for k, v in f.items() if k in self.vocab]
        if idx:
            r, c, v = (np.array(x) for x in zip(*idx))
            np.add.at(z, r, (self.coef[:, c].T * v[:, None]).astype(np.float64))
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, features: dict[str, float]) -> tuple[str, float]:
        p = self.scores(features)
        k = int(p.argmax())
        return self.classes[k], float(p[k])

    def save(self, path: Path) -> None:
        names = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(path, vocab=np.array(names, dtype=str), classes=np.array(self.classes, dtype=str),
                            coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as z:
            vocab = {str(n): i for i, n in enumerate(z["vocab"])}
            return cls(vocab, [str(c) for c in z["classes"]], z["coef"], z["intercept"])
