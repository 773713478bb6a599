#!/usr/bin/python3
"""Generates the reference vectors of the A/B experiment statistics (issue 11 §5) from NumPy/SciPy/mpmath.

Run with the system Python (NumPy 1.24, SciPy 1.10.1, mpmath 1.2; Debian: python3-numpy python3-scipy python3-mpmath):

    /usr/bin/python3 tools/stats/generate_ab_vectors.py

It writes into tests/MLOps.Monitoring.Tests/Statistics/Vectors/:

- welch.json: scipy.stats.ttest_ind(treatment, control, equal_var=False) and ttest_ind_from_stats (statistic, p-value),
  the Welch-Satterthwaite degrees of freedom, and the confidence interval of the difference of means. SciPy 1.10 has no
  TtestResult.confidence_interval() (added in 1.11, where it is difference -/+ stdtrit(df, 1 - (1 - level) / 2) * se);
  the interval here is that same formula with the t quantile from mpmath at 50 digits, because SciPy 1.10's stdtrit
  (CDFLIB's cdft search, tolerance 1e-8) is off by up to ~1e-9 relative. The SciPy-quantile interval is stored too
  ("scipyLower"/"scipyUpper") and the script prints how far it is from the exact one.
- msprt.json: the mixture SPRT of Johari, Pekelis and Walsh from its closed form in NumPy, look by look: the effect,
  Lambda, the always-valid p-value (running min of 1/Lambda), the confidence sequence (running intersection), the
  decision. Raw data are stored for the mean cases (the C# side accumulates them with SampleMoments.Add); the
  proportion cases store the counts at each look.
- mixture_variance.json: MixtureSequentialTest.MixtureVarianceForEffect from Lambert's W (scipy.special.lambertw).
- srm.json: scipy.stats.chisquare(counts, weights / weights.sum() * counts.sum()) for the sample-ratio-mismatch check.

The fixed seeds only make the script reproducible; every input is in the files.
"""
import json
import math
import os
import sys
import warnings

import mpmath
import numpy as np
import scipy
import scipy.special
import scipy.stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MLOps.Monitoring.Tests",
                   "Statistics", "Vectors")
mpmath.mp.dps = 50


def fl(x):
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if math.isnan(x):
        return "NaN"
    return x


def fls(xs):
    return [fl(x) for x in xs]


def write(name, function, cases):
    path = os.path.join(OUT, name + ".json")
    doc = {"function": function, "generator": "tools/stats/generate_ab_vectors.py", "numpy": np.__version__,
           "scipy": scipy.__version__, "mpmath": mpmath.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------------------------------------------------- Welch

def t_upper_quantile_exact(upper_tail, df):
    """q with P(T_df >= q) = upper_tail, from mpmath's incomplete beta at 50 digits (bisection then secant-free Newton)."""
    a = mpmath.mpf(upper_tail)
    nu = mpmath.mpf(df)

    def sf(q):
        x = nu / (nu + q * q)
        return mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2

    return mpmath.findroot(lambda q: sf(q) - a, mpmath.mpf(float(scipy.special.stdtrit(df, 1 - upper_tail))),
                           tol=mpmath.mpf(10) ** -40)


def two_sided_p_exact(t, df):
    nu = mpmath.mpf(df)
    x = nu / (nu + mpmath.mpf(t) ** 2)
    return mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, x, regularized=True)


def welch_from_stats(nc, mc, vc, nt, mt, vt, level):
    """The documented behaviour: SciPy's, with the degenerate both-constant case as documented in WelchTTest."""
    se2 = vc / nc + vt / nt
    diff = mt - mc
    if se2 == 0:
        if diff == 0:
            return dict(statistic=0.0, df=1.0, pValue=1.0, difference=0.0, lower=0.0, upper=0.0, scipyLower=0.0,
                        scipyUpper=0.0, pExact=1.0)
        inf = math.inf if diff > 0 else -math.inf
        return dict(statistic=inf, df=1.0, pValue=0.0, difference=diff, lower=diff, upper=diff, scipyLower=diff,
                    scipyUpper=diff, pExact=0.0)
    res = scipy.stats.ttest_ind_from_stats(mt, math.sqrt(vt), nt, mc, math.sqrt(vc), nc, equal_var=False)
    df = se2 ** 2 / ((vc / nc) ** 2 / (nc - 1) + (vt / nt) ** 2 / (nt - 1))
    se = math.sqrt(se2)
    upper_tail = (1 - level) / 2
    q_exact = float(t_upper_quantile_exact(upper_tail, df))
    q_scipy = float(scipy.special.stdtrit(df, 1 - upper_tail))
    return dict(statistic=float(res.statistic), df=df, pValue=float(res.pvalue), difference=diff,
                lower=diff - q_exact * se, upper=diff + q_exact * se, scipyLower=diff - q_scipy * se,
                scipyUpper=diff + q_scipy * se, pExact=float(two_sided_p_exact(diff / se, df)))


def welch_cases():
    rng = np.random.default_rng(20261207)
    samples = [
        ("n2_each", np.array([1.0, 2.0]), np.array([2.5, 4.0])),
        ("n2_vs_n3", np.array([0.1, -0.4]), np.array([1.2, 0.7, 3.1])),
        ("equal_means_identical", np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 4.0])),
        ("equal_means_different_spread", np.array([4.0, 5.0, 6.0]), np.array([0.0, 5.0, 10.0])),
        ("zero_variance_control", np.full(12, 3.5), np.round(rng.normal(3.7, 1, 15), 4)),
        ("zero_variance_treatment", np.round(rng.normal(-1, 2, 9), 4), np.full(6, -0.25)),
        ("both_constant_equal", np.full(5, 2.0), np.full(8, 2.0)),
        ("both_constant_different", np.full(5, 2.0), np.full(8, 2.5)),
        ("unequal_variance_1e6", np.round(rng.normal(0, 1e-3, 50), 8), np.round(rng.normal(0.5, 1e3, 40), 3)),
        ("unequal_sizes_2_vs_5000", np.array([0.3, 1.9]), np.round(rng.normal(1.0, 1.0, 5000), 4)),
        ("unequal_sizes_5000_vs_3", np.round(rng.normal(0, 3, 5000), 4), np.array([10.0, 11.5, 9.25])),
        ("large_offset", 1e9 + np.round(rng.normal(0, 1, 30), 3), 1e9 + np.round(rng.normal(0.8, 1, 25), 3)),
        ("tiny_effect_large_n", np.round(rng.normal(0, 1, 4000), 4), np.round(rng.normal(0.01, 1, 4000), 4)),
        ("huge_effect", np.round(rng.normal(0, 1, 200), 4), np.round(rng.normal(8, 1, 200), 4)),
        ("binary_success_rates", rng.integers(0, 2, 300).astype(float), (rng.random(280) < 0.6).astype(float)),
        ("absolute_errors", np.round(np.abs(rng.normal(0, 2, 500)), 4), np.round(np.abs(rng.normal(0, 1.8, 450)), 4)),
    ]
    for i in range(20):
        nc, nt = int(rng.integers(2, 400)), int(rng.integers(2, 400))
        samples.append((f"random_{i}_{nc}x{nt}", np.round(rng.normal(0, rng.uniform(0.1, 5), nc), 4),
                        np.round(rng.normal(rng.uniform(-1, 1), rng.uniform(0.1, 5), nt), 4)))
    cases = []
    worst = 0.0
    worst_p = 0.0
    for name, control, treatment in samples:
        levels = (0.95, 0.9, 0.99, 0.999) if name.startswith(("n2", "unequal", "random_1")) else (0.95,)
        nc, nt = len(control), len(treatment)
        mc, mt = float(np.mean(control)), float(np.mean(treatment))
        vc, vt = float(np.var(control, ddof=1)), float(np.var(treatment, ddof=1))
        intervals = []
        for level in levels:
            expected = welch_from_stats(nc, mc, vc, nt, mt, vt, level)
            for k in ("lower", "upper"):
                e, s = expected[k], expected["scipy" + k.capitalize()]
                if abs(e) >= 1e-3:
                    worst = max(worst, abs(s - e) / abs(e))
            intervals.append({"confidenceLevel": level, "lower": fl(expected["lower"]), "upper": fl(expected["upper"]),
                              "scipyLower": fl(expected["scipyLower"]), "scipyUpper": fl(expected["scipyUpper"])})
        if vc / nc + vt / nt > 0:
            with warnings.catch_warnings():
                # large_offset: SciPy warns about catastrophic cancellation, yet computes the same two-pass moments.
                warnings.simplefilter("ignore", RuntimeWarning)
                res = scipy.stats.ttest_ind(treatment, control, equal_var=False)
            expected["statistic"], expected["pValue"] = float(res.statistic), float(res.pvalue)
        if expected["pValue"] >= 1e-3:
            worst_p = max(worst_p, abs(expected["pValue"] - expected["pExact"]) / expected["pValue"])
        cases.append({"name": name, "control": fls(control), "treatment": fls(treatment),
                      "statistic": fl(expected["statistic"]), "df": fl(expected["df"]), "pValue": fl(expected["pValue"]),
                      "pExact": fl(expected["pExact"]), "difference": fl(expected["difference"]), "intervals": intervals})
    # Summary statistics only (ttest_ind_from_stats), including sizes no sample file could hold.
    stats_cases = [(2, 0.0, 1.0, 2, 1.0, 4.0), (10, 5.0, 0.0, 7, 5.5, 2.0), (1_000_000, 0.2, 1.0, 900_000, 0.201, 1.1),
                   (100, 1e-8, 1e-20, 120, 1.1e-8, 2e-20), (3, 100.0, 1e6, 50_000, 101.0, 1e-6),
                   (25, -3.0, 4.0, 25, -3.0, 4.0), (40, 0.5, 0.25, 60, 0.45, 0.2475)]
    for nc, mc, vc, nt, mt, vt in stats_cases:
        expected = welch_from_stats(nc, mc, vc, nt, mt, vt, 0.95)
        cases.append({"name": f"stats_{nc}_{mc}_{vc}_vs_{nt}_{mt}_{vt}", "controlCount": nc, "controlMean": mc,
                      "controlVariance": vc, "treatmentCount": nt, "treatmentMean": mt, "treatmentVariance": vt,
                      "statistic": fl(expected["statistic"]), "df": fl(expected["df"]), "pValue": fl(expected["pValue"]),
                      "pExact": fl(expected["pExact"]), "difference": fl(expected["difference"]),
                      "intervals": [{"confidenceLevel": 0.95, "lower": fl(expected["lower"]), "upper": fl(expected["upper"]),
                                     "scipyLower": fl(expected["scipyLower"]), "scipyUpper": fl(expected["scipyUpper"])}]})
    print(f"welch: SciPy 1.10 stdtrit interval vs exact: max relative difference {worst:.3e}; "
          f"SciPy p vs mpmath p: max relative difference {worst_p:.3e}")
    return cases


# ---------------------------------------------------------------------------------------------------------- mSPRT

DEFAULT_STANDARDIZED_TAU2 = 0.01


def msprt_look(nc, nt, effect, variance, pooled, opts, prev_p, prev_lo, prev_hi):
    """One look, the closed form of MixtureSequentialTest (see its XML docs)."""
    tau2 = opts["mixtureVariance"] if opts["mixtureVariance"] is not None else DEFAULT_STANDARDIZED_TAU2 * pooled
    eligible = nc >= opts["minSampleSize"] and nt >= opts["minSampleSize"]
    p, lo, hi = prev_p, prev_lo, prev_hi
    if nc < 2 or nt < 2:
        lam = 1.0
    else:
        if variance == 0:
            log_lam = -np.inf if effect == 0 else np.inf
            half = 0.0
        else:
            r = tau2 / variance
            log_lam = -0.5 * np.log(1 + r) + tau2 * effect * effect / (2 * variance * (variance + tau2))
            half = np.sqrt(variance * (variance + tau2) / tau2 * (2 * np.log(1 / opts["alpha"]) + np.log(1 + r)))
        with np.errstate(over="ignore"):
            lam = float(np.exp(log_lam))
        if eligible:
            p = min(p, min(1.0, float(np.exp(-log_lam))))
            new_lo, new_hi = max(lo, effect - half), min(hi, effect + half)
            if new_lo <= new_hi:
                lo, hi = new_lo, new_hi
    decision = "None"
    if eligible and p <= opts["alpha"]:
        mid = lo / 2 + hi / 2
        if mid != 0 and not np.isnan(mid):
            better = (mid > 0) == (opts["direction"] == "HigherIsBetter")
            decision = "TreatmentBetter" if better else "TreatmentWorse"
    return dict(effect=effect, likelihoodRatio=lam, pValue=p, lower=lo, upper=hi, decision=decision,
                minimumSampleReached=eligible, mixtureVariance=tau2)


def msprt_means(control, treatment, looks, opts):
    out, p, lo, hi = [], 1.0, -np.inf, np.inf
    for nc, nt in looks:
        c, t = control[:nc], treatment[:nt]
        effect = float(np.mean(t) - np.mean(c)) if nc > 0 and nt > 0 else 0.0
        vc = float(np.var(c, ddof=1)) if nc > 1 else 0.0
        vt = float(np.var(t, ddof=1)) if nt > 1 else 0.0
        variance = vc / nc + vt / nt if nc > 0 and nt > 0 else 0.0
        m2 = (vc * (nc - 1) if nc > 1 else 0.0) + (vt * (nt - 1) if nt > 1 else 0.0)
        pooled = m2 / (nc + nt - 2) if nc + nt > 2 else 0.0
        r = msprt_look(nc, nt, effect, variance, pooled, opts, p, lo, hi)
        p, lo, hi = r["pValue"], r["lower"], r["upper"]
        out.append(dict({"controlCount": nc, "treatmentCount": nt}, **r))
    return out


def msprt_proportions(looks, opts):
    out, p, lo, hi = [], 1.0, -np.inf, np.inf
    for cs, cn, ts, tn in looks:
        if cn == 0 or tn == 0:
            effect = variance = pooled = 0.0
        else:
            pc, pt = cs / cn, ts / tn
            vc, vt = pc * (1 - pc), pt * (1 - pt)
            effect, variance, pooled = pt - pc, vc / cn + vt / tn, (cn * vc + tn * vt) / (cn + tn)
        r = msprt_look(cn, tn, effect, variance, pooled, opts, p, lo, hi)
        p, lo, hi = r["pValue"], r["lower"], r["upper"]
        out.append(dict({"controlSuccesses": cs, "controlTotal": cn, "treatmentSuccesses": ts, "treatmentTotal": tn}, **r))
    return out


def opts(alpha=0.05, min_n=100, direction="HigherIsBetter", tau2=None):
    return {"alpha": alpha, "minSampleSize": min_n, "direction": direction, "mixtureVariance": tau2}


def even_looks(nc, nt, k):
    return [(nc * i // k, nt * i // k) for i in range(1, k + 1)]


def jsonable_looks(looks):
    return [{k: (fl(v) if isinstance(v, float) else v) for k, v in look.items()} for look in looks]


def msprt_cases():
    rng = np.random.default_rng(11_2026)
    cases = []
    mean_specs = [
        ("aa_normal_20_looks", rng.normal(0, 1, 1000), rng.normal(0, 1, 1000), even_looks(1000, 1000, 20), opts()),
        ("effect_0.3sd_rejects", rng.normal(0, 1, 600), rng.normal(0.3, 1, 600), even_looks(600, 600, 20), opts()),
        ("effect_negative_lower_is_better", rng.normal(5, 2, 800), rng.normal(4.2, 2, 800), even_looks(800, 800, 16),
         opts(direction="LowerIsBetter")),
        ("effect_positive_lower_is_better", rng.normal(5, 2, 800), rng.normal(5.8, 2, 800), even_looks(800, 800, 16),
         opts(direction="LowerIsBetter")),
        ("explicit_tau2", rng.normal(0, 1, 500), rng.normal(0.2, 1, 500), even_looks(500, 500, 10),
         opts(tau2=0.04)),
        ("explicit_tau2_alpha_0.01", rng.normal(0, 3, 900), rng.normal(1, 3, 900), even_looks(900, 900, 9),
         opts(alpha=0.01, tau2=0.5)),
        ("unequal_arms_90_10", rng.normal(10, 4, 1800), rng.normal(11, 4, 200), even_looks(1800, 200, 20), opts()),
        ("min_sample_above_early_looks", rng.normal(0, 1, 400), rng.normal(0.6, 1, 400), even_looks(400, 400, 8),
         opts(min_n=250)),
        ("tiny_first_looks", rng.normal(0, 1, 30), rng.normal(0.1, 1, 30), [(0, 0), (1, 1), (1, 2), (2, 2), (3, 5),
                                                                          (30, 30)], opts(min_n=2)),
        ("absolute_errors", np.abs(rng.normal(0, 2, 700)), np.abs(rng.normal(0, 1.5, 700)), even_looks(700, 700, 14),
         opts(direction="LowerIsBetter")),
        ("huge_effect_overflows_lambda", rng.normal(0, 1, 3000), rng.normal(3, 1, 3000), even_looks(3000, 3000, 3),
         opts(tau2=1.0)),
        ("both_constant_equal", np.full(200, 1.5), np.full(200, 1.5), even_looks(200, 200, 2), opts()),
        ("both_constant_different", np.full(200, 1.5), np.full(200, 2.5), even_looks(200, 200, 2), opts()),
        ("constant_control_only", np.full(300, 0.0), rng.normal(0.05, 0.2, 300), even_looks(300, 300, 3), opts()),
    ]
    for name, control, treatment, looks, o in mean_specs:
        control, treatment = np.round(control, 4), np.round(treatment, 4)
        cases.append({"name": name, "kind": "means", "options": o, "control": fls(control),
                      "treatment": fls(treatment), "looks": jsonable_looks(msprt_means(control, treatment, looks, o))})

    def prop_looks(pc, pt, nc, nt, k):
        c, t = rng.random(nc) < pc, rng.random(nt) < pt
        return [(int(c[:a].sum()), a, int(t[:b].sum()), b) for a, b in even_looks(nc, nt, k)]

    prop_specs = [
        ("aa_rate_0.2", prop_looks(0.2, 0.2, 2000, 2000, 20), opts()),
        ("rate_up_0.20_to_0.25", prop_looks(0.2, 0.25, 3000, 3000, 20), opts()),
        ("error_rate_up_lower_is_better", prop_looks(0.02, 0.05, 2500, 2500, 10), opts(direction="LowerIsBetter")),
        ("rate_unequal_arms", prop_looks(0.5, 0.55, 4000, 1000, 10), opts(tau2=0.001)),
        ("all_failures_both", [(0, 100, 0, 100), (0, 200, 0, 200)], opts()),
        ("all_failures_vs_all_successes", [(0, 50, 50, 50), (0, 100, 100, 100), (0, 150, 150, 150)], opts()),
        ("zero_totals_then_data", [(0, 0, 0, 0), (0, 0, 3, 10), (40, 120, 60, 130)], opts()),
    ]
    for name, looks, o in prop_specs:
        cases.append({"name": name, "kind": "proportions", "options": o,
                      "looks": jsonable_looks(msprt_proportions(looks, o))})
    return cases


def mixture_variance_cases():
    cases = []
    for alpha in (0.5, 0.2, 0.1, 0.05, 0.01, 0.001, 1e-6):
        c = 2 * math.log(1 / alpha)
        u = float(-scipy.special.lambertw(-math.exp(-1 - c), k=-1).real)
        for effect in (1.0, 0.1, -0.3, 2.5e-4, 1e3):
            cases.append({"name": f"effect_{effect}_alpha_{alpha}", "effect": effect, "alpha": alpha,
                          "u": u, "mixtureVariance": effect * effect * (1 - 1 / u)})
    return cases


# ---------------------------------------------------------------------------------------------------------- SRM

def srm_cases():
    rng = np.random.default_rng(314)
    specs = [
        ("50_50_balanced", [5000, 5000], [50, 50]),
        ("50_50_fractions", [5050, 4950], [0.5, 0.5]),
        ("50_50_mismatch", [5200, 4800], [50, 50]),
        ("90_10_percent", [9000, 1000], [90, 10]),
        ("90_10_fraction_mismatch", [8870, 1130], [0.9, 0.1]),
        ("canary_95_5_small", [190, 10], [95, 5]),
        ("three_arms", [3300, 3400, 3300], [1, 1, 1]),
        ("three_arms_mismatch", [3000, 3500, 3500], [1 / 3, 1 / 3, 1 / 3]),
        ("five_arms_uneven", [4000, 2000, 2000, 1000, 1000], [40, 20, 20, 10, 10]),
        ("zero_weight_arm_empty", [480, 0, 520], [50, 0, 50]),
        ("zero_weight_arm_with_units", [480, 3, 520], [50, 0, 50]),
        ("one_arm_has_all_weight", [0, 100], [0, 100]),
        ("no_units_yet", [0, 0], [50, 50]),
        ("huge_counts", [1_000_000_000, 1_000_100_000], [50, 50]),
        ("single_unit", [1, 0], [50, 50]),
    ]
    for i in range(10):
        k = int(rng.integers(2, 6))
        w = rng.dirichlet(np.ones(k))
        n = int(rng.integers(50, 200000))
        skew = w if i % 2 == 0 else rng.dirichlet(np.ones(k) * 50)
        specs.append((f"random_{i}_k{k}", [int(x) for x in rng.multinomial(n, skew)], [float(x) for x in w]))
    cases = []
    for name, counts, weights in specs:
        c, w = np.asarray(counts, dtype=float), np.asarray(weights, dtype=float)
        keep = (c > 0) | (w > 0)
        c, w = c[keep], w[keep]
        if c.sum() == 0 or len(c) < 2:
            stat, p = 0.0, 1.0
        elif np.any((w == 0) & (c > 0)):
            stat, p = math.inf, 0.0
        else:
            res = scipy.stats.chisquare(c, w / w.sum() * c.sum())
            stat, p = float(res.statistic), float(res.pvalue)
        cases.append({"name": name, "counts": counts, "weights": fls(weights), "statistic": fl(stat), "pValue": fl(p),
                      "isMismatch": p < 0.001})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    write("welch", "WelchTTest.TwoSample/FromMoments", welch_cases())
    write("msprt", "MixtureSequentialTest.Evaluate/EvaluateProportions", msprt_cases())
    write("mixture_variance", "MixtureSequentialTest.MixtureVarianceForEffect", mixture_variance_cases())
    write("srm", "SampleRatioMismatch.Test", srm_cases())


if __name__ == "__main__":
    sys.exit(main())
