#!/usr/bin/python3
"""Generates the model-quality test vectors from scikit-learn 1.2.

Run from the repository root with the system Python (scikit-learn 1.2.1, numpy):

    /usr/bin/python3 tools/quality/generate_vectors.py

Writes tests/MLOps.Monitoring.Tests/Quality/Vectors/{regression,binary,multiclass}.json. Seeds are fixed, so the
output is reproducible; the tests read the JSON and never need Python. Non-finite expected values are written as the
strings "NaN", "Infinity" and "-Infinity"; a metric that scikit-learn rejects (raises ValueError) is listed under
"errors" with the message.
"""

import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "MLOps.Monitoring.Tests", "Quality", "Vectors")


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def evaluate(funcs):
    expected, errors = {}, {}
    for name, f in funcs.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected[name] = num(f())
        except ValueError as e:
            errors[name] = str(e)
    return expected, errors


def regression_case(name, y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    expected, errors = evaluate({
        "r2": lambda: metrics.r2_score(y, p),
        "rmse": lambda: metrics.mean_squared_error(y, p, squared=False),
        "mae": lambda: metrics.mean_absolute_error(y, p),
        "mape": lambda: metrics.mean_absolute_percentage_error(y, p),
    })
    return {"name": name, "actual": [num(v) for v in y], "predicted": [num(v) for v in p], "expected": expected, "errors": errors}


def binary_case(name, y, p, s):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    expected, errors = evaluate({
        "accuracy": lambda: metrics.accuracy_score(y, p),
        "precision": lambda: metrics.precision_score(y, p, zero_division="warn"),
        "recall": lambda: metrics.recall_score(y, p, zero_division="warn"),
        "f1": lambda: metrics.f1_score(y, p, zero_division="warn"),
        "roc_auc": lambda: metrics.roc_auc_score(y, s),
        # labels=[0, 1]: the C# API takes booleans, so both classes are always known.
        "log_loss": lambda: metrics.log_loss(y, s, labels=[0, 1]),
    })
    return {"name": name, "actual": [int(v) for v in y], "predicted": [int(v) for v in p], "scores": [num(v) for v in s],
            "expected": expected, "errors": errors}


def multiclass_case(name, y, p):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.int64)
    expected, errors = evaluate({
        "accuracy": lambda: metrics.accuracy_score(y, p),
        "macro_f1": lambda: metrics.f1_score(y, p, average="macro", zero_division="warn"),
        "micro_f1": lambda: metrics.f1_score(y, p, average="micro", zero_division="warn"),
    })
    return {"name": name, "actual": [int(v) for v in y], "predicted": [int(v) for v in p], "expected": expected, "errors": errors}


def regression_cases():
    rng = np.random.default_rng(20230101)
    cases = []
    for i, n in enumerate([1000, 257, 31, 9, 8, 7]):
        y = rng.normal(50, 20, n)
        p = y + rng.normal(0, 8, n)
        cases.append(regression_case(f"random_n{n}_{i}", y, p))
    y = rng.lognormal(2, 1, 500)
    cases.append(regression_case("skewed_positive_n500", y, y * rng.uniform(0.5, 1.5, 500)))
    y = rng.normal(0, 1e6, 200)
    cases.append(regression_case("large_magnitude_n200", y, y + rng.normal(0, 1e5, 200)))
    y = rng.normal(0, 1, 100)
    cases.append(regression_case("worse_than_mean_n100", y, -y))
    cases.append(regression_case("n1", [3.5], [2.0]))
    cases.append(regression_case("n2", [1.0, 2.0], [1.5, 1.5]))
    y = rng.normal(10, 3, 50)
    cases.append(regression_case("perfect_n50", y, y.copy()))
    cases.append(regression_case("constant_target_perfect", [4.0] * 6, [4.0] * 6))
    cases.append(regression_case("constant_target_imperfect", [4.0] * 6, [4.0, 5.0, 3.0, 4.0, 4.5, 4.0]))
    cases.append(regression_case("constant_target_inexact_mean", [0.1] * 10, [0.1] * 9 + [0.2]))
    cases.append(regression_case("constant_target_inexact_mean_n3", [0.1] * 3, [0.1, 0.1, 0.3]))
    cases.append(regression_case("zeros_in_mape_targets", [0.0, 1.0, -2.0, 0.0, 5.0], [0.5, 1.0, -1.0, 0.0, 4.0]))
    cases.append(regression_case("all_zero_targets", [0.0] * 4, [0.0, 1e-3, -2.0, 0.0]))
    y = rng.normal(0, 1, 1000)
    y[::10] = 0.0
    cases.append(regression_case("random_with_zero_targets_n1000", y, y + rng.normal(0, 0.1, 1000)))
    return cases


def binary_cases():
    rng = np.random.default_rng(424242)
    cases = []
    for i, n in enumerate([1000, 333, 64, 17]):
        y = rng.integers(0, 2, n)
        s = np.clip(0.5 + (y - 0.5) * rng.uniform(0, 0.8, n) + rng.normal(0, 0.25, n), 0, 1)
        cases.append(binary_case(f"random_n{n}_{i}", y, (s >= 0.5).astype(int), s))
    y = rng.integers(0, 2, 400)
    s = np.round(np.clip(0.5 + (y - 0.5) * 0.4 + rng.normal(0, 0.3, 400), 0, 1), 1)
    cases.append(binary_case("ties_in_scores_n400", y, (s >= 0.5).astype(int), s))
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0])
    s = np.array([0.5] * 8)
    cases.append(binary_case("all_scores_tied", y, np.ones(8, dtype=int), s))
    y = rng.integers(0, 2, 200)
    s = np.where(rng.uniform(0, 1, 200) < 0.2, rng.integers(0, 2, 200).astype(float), rng.uniform(0, 1, 200))
    cases.append(binary_case("scores_exactly_zero_and_one_n200", y, (s >= 0.5).astype(int), s))
    cases.append(binary_case("confidently_wrong", [1, 0, 1, 0], [0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0]))
    cases.append(binary_case("all_positive", [1] * 6, [1, 1, 0, 1, 1, 0], [0.9, 0.8, 0.3, 0.7, 0.6, 0.1]))
    cases.append(binary_case("all_negative_predicted_negative", [0] * 5, [0] * 5, [0.1, 0.2, 0.3, 0.1, 0.4]))
    cases.append(binary_case("no_positive_predictions", [1, 0, 1, 0, 0], [0] * 5, [0.4, 0.1, 0.3, 0.2, 0.2]))
    cases.append(binary_case("perfect", [1, 0, 1, 1, 0, 0], [1, 0, 1, 1, 0, 0], [0.9, 0.1, 0.8, 0.7, 0.2, 0.3]))
    cases.append(binary_case("n1_positive", [1], [1], [0.75]))
    cases.append(binary_case("n1_negative_wrong", [0], [1], [0.75]))
    return cases


def multiclass_cases():
    rng = np.random.default_rng(777)
    cases = []
    for i, (n, k) in enumerate([(1000, 3), (300, 5), (50, 10)]):
        y = rng.integers(0, k, n)
        p = np.where(rng.uniform(0, 1, n) < 0.7, y, rng.integers(0, k, n))
        cases.append(multiclass_case(f"random_n{n}_k{k}_{i}", y, p))
    cases.append(multiclass_case("class_never_predicted", [0, 1, 2, 2, 1, 0], [0, 1, 1, 1, 1, 0]))
    cases.append(multiclass_case("class_only_in_predictions", [0, 1, 1, 0], [0, 1, 7, 0]))
    cases.append(multiclass_case("all_one_class", [3, 3, 3, 3], [3, 3, 3, 3]))
    cases.append(multiclass_case("all_one_class_wrong", [3, 3, 3], [1, 3, 2]))
    cases.append(multiclass_case("negative_and_large_labels", [-5, 100, 100, -5, 42], [-5, 100, -5, 42, 42]))
    cases.append(multiclass_case("n1", [2], [1]))
    cases.append(multiclass_case("perfect", [0, 1, 2, 3, 2, 1], [0, 1, 2, 3, 2, 1]))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    header = {"generator": "tools/quality/generate_vectors.py", "sklearn": sklearn.__version__, "numpy": np.__version__}
    for name, cases in [("regression", regression_cases()), ("binary", binary_cases()), ("multiclass", multiclass_cases())]:
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump({**header, "cases": cases}, f, indent=None, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        print(name, len(cases), "cases")


if __name__ == "__main__":
    main()
