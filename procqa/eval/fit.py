"""`procqa eval --split dev --fit-ranker`: fit the paragraph ranker on the dev split and write it.

One row per (question, candidate paragraph) of the answerable dev questions, labelled 1 when the paragraph
is one of the question's gold references. A logistic regression (scikit-learn) on standardised features;
its regularisation is chosen by 5-fold cross-validation over questions (MRR@10 of the re-ranked
candidates), then it is refitted on all of dev. The result is small enough to read: one weight per named
feature, written with its provenance to procqa/retrieval/ranker.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from procqa.engine import DECISION_FEATURES, Engine, LinearModel, decision_row, save_models
from procqa.eval.gold import GoldQuestion
from procqa.progress import progress_bar

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5


def training_rows(engine: Engine, questions: list[GoldQuestion], k: int) -> tuple[tuple[str, ...], list]:
    """[(question id, rows, labels)] for every answerable question with a document."""
    out, names = [], ()
    with progress_bar(len(questions), "features") as bar:
        for q in questions:
            bar.update(1)
            if not q.answerable or q.doc is None:
                continue
            c = engine.candidates(q.question, q.doc, k)
            names = c.names
            labels = np.array([1 if p.ref in q.gold else 0 for p in c.paragraphs])
            out.append((q.id, np.asarray(c.rows), labels))
    return names, out


def _mrr(groups: list, predict) -> float:
    total = 0.0
    for _, rows, labels in groups:
        order = np.argsort(-predict(rows), kind="stable")[:10]
        hit = np.flatnonzero(labels[order])
        total += 1.0 / (hit[0] + 1) if len(hit) else 0.0
    return total / max(1, len(groups))


def _fit(groups: list, c: float):
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([rows for _, rows, _ in groups])
    y = np.concatenate([labels for _, _, labels in groups])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    return mean, scale, model


def fit_ranker(engine: Engine, questions: list[GoldQuestion], out: Path, k: int = 10) -> dict:

    names, groups = training_rows(engine, questions, k)
    folds = [groups[i::FOLDS] for i in range(FOLDS)]
    cv = {}
    for c in C_GRID:
        scores = []
        for i in range(FOLDS):
            train = [g for j, f in enumerate(folds) if j != i for g in f]
            mean, scale, model = _fit(train, c)
            scores.append(
                _mrr(folds[i], lambda r, m=model, a=mean, s=scale: m.decision_function((r - a) / s))
            )
        cv[c] = float(np.mean(scores))
    best = max(cv, key=lambda c: (round(cv[c], 4), -c))
    mean, scale, model = _fit(groups, best)
    paragraph = LinearModel(names, mean, scale, model.coef_[0], float(model.intercept_[0]))
    about = {
        "fitted_on": f"dev split: {len(groups)} answerable questions, {sum(len(g[2]) for g in groups)} rows",
        "C": best,
        "cv_mrr@10": {str(c): round(v, 4) for c, v in cv.items()},
        "fitted": time.strftime("%Y-%m-%d"),
    }
    data = {"models": {"paragraph": paragraph.to_json(**about)}}
    save_models(data)
    # The decision to answer rests on the new ranker's scores: reload it, then fit the decision.
    engine.reload_models()
    answerable, thresholds = fit_answerable(engine, questions, k)
    data["models"]["answerable"] = answerable.to_json(
        fitted_on=f"dev split: {len(questions)} questions", **thresholds, fitted=time.strftime("%Y-%m-%d")
    )
    save_models(data)
    engine.reload_models()
    out.mkdir(parents=True, exist_ok=True)
    (out / "ranker_fit.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return {
        "C": best,
        "cv_mrr@10": cv,
        "weights": dict(zip(names, paragraph.coef.round(3).tolist(), strict=True)),
        "answerable": dict(zip(answerable.features, answerable.coef.round(3).tolist(), strict=True)),
        "thresholds (Settings.decline_below, Settings.sure_above)": thresholds,
    }


def fit_answerable(engine: Engine, questions: list[GoldQuestion], k: int) -> tuple[LinearModel, dict]:
    """A logistic regression of "this document answers" on the signals each answer carries: one row per
    (question, document searched), positive for an answerable question's own document, negative for
    every document an unanswerable question was searched in. `decline_below` is the highest probability
    that declines at most `max_wrongly_declined` of the answerable questions; `sure_above` the lowest
    above which at most a tenth of the unanswerable questions scored (answers below it are shown as
    the closest paragraphs, with a caution)."""
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for q in questions:
        answer = engine.ask(q.question, [q.doc] if q.doc else None, k)
        for s in answer.signals:
            rows.append(decision_row(s.similarity, s.coverage, s.top_score, s.situation))
            labels.append(1 if q.answerable else 0)
    x, y = np.array(rows), np.array(labels)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=0.1, max_iter=2000).fit((x - mean) / scale, y)
    fitted = LinearModel(DECISION_FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]))
    p = np.round(fitted.probability(x), 3)
    budget = engine.settings.max_wrongly_declined
    allowed = [t for t in sorted(set(p.tolist())) if np.mean(p[y == 1] < t) <= budget]
    decline_below = float(max(allowed, default=0.0))
    negatives = p[y == 0]
    high = float(np.quantile(negatives, 0.9)) if len(negatives) else decline_below
    sure_above = round(max(decline_below, high), 3)
    return fitted, {"decline_below": decline_below, "sure_above": sure_above}
