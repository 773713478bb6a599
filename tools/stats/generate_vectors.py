#!/usr/bin/python3
"""Generates the reference vectors for MLOps.Monitoring.Statistics from NumPy/SciPy.

Run with the system Python (NumPy 1.24, SciPy 1.10.1):

    /usr/bin/python3 tools/stats/generate_vectors.py

It writes one JSON file per kernel function into tests/MLOps.Monitoring.Tests/Statistics/Vectors/. Every input sample
is stored in the file (no seeds needed to read them back); the fixed seeds below only make the script reproducible.
Infinities are written as the strings "Infinity" / "-Infinity" (JSON has no literal for them).
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.spatial.distance
import scipy.stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MLOps.Monitoring.Tests",
                   "Statistics", "Vectors")


def fl(x):
    """A float (or an infinity as a string) for JSON."""
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
    doc = {"function": function, "generator": "tools/stats/generate_vectors.py",
           "numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")


def sample_pairs():
    """(name, reference, current) pairs covering the shapes the kernel must handle."""
    rng = np.random.default_rng(20261126)
    pairs = []
    # Tiny samples, n = 1..5 on each side.
    for n1 in range(1, 6):
        for n2 in range(1, 6):
            pairs.append((f"tiny_{n1}x{n2}", rng.normal(0, 1, n1), rng.normal(0.3, 1, n2)))
    # Tiny samples with ties inside and across.
    pairs.append(("tiny_ties_3x4", np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0, 3.0])))
    pairs.append(("tiny_ties_5x5", np.array([0.0, 0.0, 0.0, 1.0, 1.0]), np.array([0.0, 1.0, 1.0, 1.0, 1.0])))
    pairs.append(("single_equal", np.array([2.5]), np.array([2.5])))
    # Identical samples.
    x = np.round(rng.normal(0, 1, 40), 2)
    pairs.append(("identical_40", x, x.copy()))
    pairs.append(("constant_both_7x9", np.full(7, 3.0), np.full(9, 3.0)))
    pairs.append(("constant_vs_other_8x6", np.full(8, 3.0), np.full(6, 4.0)))
    # Fully separated samples.
    pairs.append(("separated_10x10", rng.uniform(0, 1, 10), rng.uniform(2, 3, 10)))
    pairs.append(("separated_25x40", rng.uniform(5, 6, 25), rng.uniform(0, 1, 40)))
    pairs.append(("separated_300x500", rng.uniform(0, 1, 300), rng.uniform(1.5, 2, 500)))
    # Ties (rounded data, discrete data).
    pairs.append(("ties_rounded_50x60", np.round(rng.normal(0, 1, 50), 1), np.round(rng.normal(0.2, 1, 60), 1)))
    pairs.append(("ties_poisson_200x150", rng.poisson(3, 200).astype(float), rng.poisson(3.4, 150).astype(float)))
    pairs.append(("ties_binary_100x80", rng.integers(0, 2, 100).astype(float), rng.integers(0, 2, 80).astype(float)))
    # Unequal sizes, including sizes with common factors and coprime sizes.
    pairs.append(("unequal_7x13", rng.normal(0, 1, 7), rng.normal(0.5, 1, 13)))
    pairs.append(("unequal_20x50", rng.normal(0, 1, 20), rng.normal(0.1, 1.2, 50)))
    pairs.append(("unequal_97x31", rng.exponential(1, 97), rng.exponential(1.3, 31)))
    pairs.append(("unequal_1000x300", rng.normal(0, 1, 1000), rng.normal(0.05, 1, 300)))
    pairs.append(("equal_100x100_same", rng.normal(0, 1, 100), rng.normal(0, 1, 100)))
    pairs.append(("equal_100x100_shift", rng.normal(0, 1, 100), rng.normal(0.6, 1, 100)))
    pairs.append(("equal_1000x1000", rng.normal(0, 1, 1000), rng.normal(0.05, 1, 1000)))
    pairs.append(("negative_values_60x45", rng.normal(-50, 10, 60), rng.normal(-52, 12, 45)))
    return pairs


def large_pairs():
    """Large samples, stored as 3-decimal values to keep the files small (ties included)."""
    rng = np.random.default_rng(7)
    return [
        ("large_10000x10000_exact", np.round(rng.normal(0, 1, 10000), 3), np.round(rng.normal(0.02, 1, 10000), 3)),
        ("large_3000x10000_exact", np.round(rng.normal(0, 1, 3000), 3), np.round(rng.normal(0.03, 1, 10000), 3)),
        ("large_10001x4000_asymp", np.round(rng.normal(0, 1, 10001), 3), np.round(rng.normal(0.02, 1, 4000), 3)),
        ("large_12000x2500_asymp_shift", np.round(rng.normal(0, 1, 12000), 2), np.round(rng.normal(0.1, 1, 2500), 2)),
    ]


def hist_counts(edges, values):
    return np.histogram(np.asarray(values, dtype=float), bins=np.asarray(edges, dtype=float))[0].astype(float)


def binning_cases(pairs):
    quantile, sturges, findbin = [], [], []
    for name, ref, cur in pairs:
        binnings = []
        for bins in (1, 2, 3, 5, 10, 20):
            q = np.quantile(ref, np.linspace(0, 1, bins + 1))
            edges = q.copy()
            edges[0], edges[-1] = -np.inf, np.inf
            binnings.append({"binCount": bins, "edges": fls(edges), "referenceCounts": fls(hist_counts(edges, ref)),
                             "currentCounts": fls(hist_counts(edges, cur))})
        quantile.append({"name": name, "sample": name, "binnings": binnings})
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        sturges.append({"name": name, "sample": name, "edges": fls(edges),
                        "referenceCounts": fls(hist_counts(edges, ref)),
                        "currentCounts": fls(hist_counts(edges, cur))})
    # FindBin: every edge itself, points just around edges, and values outside.
    edge_sets = [
        np.array([0.0, 1.0, 2.0, 3.0]),
        np.array([-np.inf, -1.0, 0.0, 0.0, 0.0, 2.5, np.inf]),
        np.array([1.0, 1.0, 1.0]),
        np.array([-3.0, -3.0, 0.5, 7.0, 7.0]),
        np.linspace(-2, 2, 11),
    ]
    for i, e in enumerate(edge_sets):
        finite = e[np.isfinite(e)]
        probes = list(finite) + list(np.nextafter(finite, -np.inf)) + list(np.nextafter(finite, np.inf))
        probes += [-1e300, 1e300, -np.inf, np.inf, 0.25, -0.25, 1.5]
        expected = []
        for v in probes:
            h = np.histogram(np.array([v]), bins=e)[0]
            expected.append(int(np.argmax(h)) if h.sum() == 1 else -1)
        findbin.append({"name": f"edges_{i}", "edges": fls(e), "values": fls(probes), "bins": expected})
    return quantile, sturges, findbin


def psi_np(r, c):
    r = np.where(r == 0, 1e-4, r)
    c = np.where(c == 0, 1e-4, c)
    return float(np.sum((r - c) * np.log(r / c)))


def psi_cases(quantile, sturges):
    cases = []
    flat = [dict(b, name=f"{q['name']}_quantile{b['binCount']}") for q in quantile for b in q["binnings"]]
    flat += [dict(s, name=s["name"] + "_sturges") for s in sturges]
    for case in flat:
        rc = np.array(case["referenceCounts"])
        cc = np.array(case["currentCounts"])
        if rc.sum() == 0 or cc.sum() == 0:
            continue
        rs, cs = rc / rc.sum(), cc / cc.sum()
        cases.append({"name": case["name"], "referenceCounts": fls(rc), "currentCounts": fls(cc),
                      "referenceShares": fls(rs), "currentShares": fls(cs), "psi": psi_np(rs, cs),
                      "psiFromCounts": psi_np(rc / rc.sum(), cc / cc.sum())})
    return cases


def count_pairs(quantile, sturges):
    """(name, referenceCounts, currentCounts) from the binnings plus categorical counts."""
    rng = np.random.default_rng(99)
    pairs = [(f"{q['name']}_quantile{b['binCount']}", np.array(b["referenceCounts"]), np.array(b["currentCounts"]))
             for q in quantile for b in q["binnings"] if b["binCount"] in (2, 5, 10, 20)]
    pairs += [(s["name"] + "_sturges", np.array(s["referenceCounts"]), np.array(s["currentCounts"])) for s in sturges]
    for k in (2, 3, 7, 30):
        shares = rng.dirichlet(np.ones(k))
        pairs.append((f"categorical_k{k}_same", rng.multinomial(5000, shares).astype(float),
                      rng.multinomial(800, shares).astype(float)))
        pairs.append((f"categorical_k{k}_shift", rng.multinomial(5000, shares).astype(float),
                      rng.multinomial(800, rng.dirichlet(np.ones(k))).astype(float)))
    pairs.append(("huge_statistic", np.array([1e6, 1.0]), np.array([1.0, 1e6])))
    pairs.append(("fractional_counts", np.array([0.5, 1.25, 3.0]), np.array([2.0, 0.75, 1.5])))
    return pairs


def chisquare_cases(count_pairs):
    cases = []
    for name, rc, cc in count_pairs:
        if rc.sum() == 0 or cc.sum() == 0:
            continue
        # Categories empty on both sides are skipped (documented C# behaviour; SciPy would give NaN).
        keep = (rc > 0) | (cc > 0)
        r, c = rc[keep], cc[keep]
        if len(r) < 2:
            stat, p = 0.0, 1.0
        elif np.any((r == 0) & (c > 0)):
            stat, p = np.inf, 0.0
        else:
            expected = r / r.sum() * c.sum()
            res = scipy.stats.chisquare(c, expected)
            stat, p = float(res.statistic), float(res.pvalue)
        cases.append({"name": name, "referenceCounts": fls(rc), "currentCounts": fls(cc), "statistic": fl(stat),
                      "pValue": fl(p)})
    return cases


def ztest_cases():
    rng = np.random.default_rng(5)
    raw = [(0, 10, 0, 10), (10, 10, 5, 5), (1, 1, 0, 1), (0, 1, 1, 1), (3, 7, 2, 9), (50, 100, 50, 100),
           (500, 1000, 560, 1000), (1, 100000, 30, 100000), (40000, 100000, 41000, 120000), (12, 1000, 0, 50),
           (5_000_000_000, 10_000_000_000, 5_000_100_000, 10_000_000_000)]
    for _ in range(30):
        n1, n2 = int(rng.integers(1, 5000)), int(rng.integers(1, 5000))
        p1 = rng.uniform(0, 1)
        raw.append((int(rng.binomial(n1, p1)), n1, int(rng.binomial(n2, min(1, p1 * rng.uniform(0.7, 1.3)))), n2))
    cases = []
    for rs, rt, cs, ct in raw:
        r, c = rs / rt, cs / ct
        pooled = (rs + cs) / (rt + ct)
        var = pooled * (1 - pooled) * (1 / rt + 1 / ct)
        if var <= 0:
            z, p = 0.0, 1.0
        else:
            z = (c - r) / np.sqrt(var)
            p = float(2 * scipy.stats.norm.sf(abs(z)))
        cases.append({"name": f"{rs}/{rt} vs {cs}/{ct}", "referenceSuccesses": rs, "referenceTotal": rt,
                      "currentSuccesses": cs, "currentTotal": ct, "statistic": fl(z), "pValue": fl(p)})
    return cases


def wasserstein_cases(pairs):
    cases = []
    for name, ref, cur in pairs:
        cases.append({"name": name, "sample": name, "distance": fl(scipy.stats.wasserstein_distance(ref, cur)),
                      "normed": fl(scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))})
    return cases


def distribution_cases(count_pairs):
    js, hel = [], []
    for name, rc, cc in count_pairs:
        if rc.sum() == 0 or cc.sum() == 0:
            continue
        js.append({"name": name, "p": fls(rc), "q": fls(cc),
                   "distance": fl(scipy.spatial.distance.jensenshannon(rc, cc))})
        p, q = rc / rc.sum(), cc / cc.sum()
        hel.append({"name": name, "p": fls(rc), "q": fls(cc),
                    "distance": fl(np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)))})
    return js, hel


def bh_reference(p):
    """Benjamini-Hochberg adjusted p-values with the standard step-up formula (statsmodels 'fdr_bh').

    SciPy 1.10 has no false_discovery_control (added in 1.11), so the reference is computed here in NumPy:
    sort ascending, p_(i) * m / i, running minimum from the largest, cap at 1, back to input order.
    """
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] / (np.arange(1, m + 1) / m)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1)
    return out


def multiple_testing_cases():
    rng = np.random.default_rng(11)
    sets = [("single", [0.03]), ("all_zero", [0.0, 0.0, 0.0]), ("all_one", [1.0, 1.0]), ("ties", [0.01, 0.04, 0.04, 0.04, 0.5]),
            ("classic", [0.01, 0.02, 0.03, 0.04, 0.05]), ("unsorted", [0.5, 0.001, 0.2, 0.04, 0.9, 0.03])]
    for k in (10, 50, 200):
        sets.append((f"uniform_{k}", rng.uniform(0, 1, k)))
        sets.append((f"mixed_{k}", np.concatenate([rng.uniform(0, 1e-3, k // 5), rng.uniform(0, 1, k - k // 5)])))
    cases = []
    for name, p in sets:
        p = np.asarray(p, dtype=float)
        cases.append({"name": name, "pValues": fls(p), "bonferroni": fls(np.minimum(p * len(p), 1.0)),
                      "benjaminiHochberg": fls(bh_reference(p))})
    return cases


def extra_ks_pairs():
    """More size combinations for the exact p-value (equal, multiples, coprime, large coprime)."""
    rng = np.random.default_rng(31)
    pairs = []
    for n1, n2, shift in [(6, 6, 0.0), (50, 50, 0.8), (200, 200, 0.1), (2000, 2000, 0.05), (9999, 10000, 0.03),
                          (10, 30, 0.5), (15, 45, 0.2), (100, 300, 0.3), (17, 31, 0.7), (499, 503, 0.1),
                          (1, 10000, 0.0), (10000, 2, 3.0), (3, 4000, -2.0), (2500, 7500, 0.04)]:
        pairs.append((f"ks_{n1}x{n2}", np.round(rng.normal(0, 1, n1), 4), np.round(rng.normal(shift, 1, n2), 4)))
    # Equal sizes where the exact series rounds to just above 1 (h = 1 or 2): SciPy falls back to the asymptotic.
    for n, h in ((5, 1), (30, 1), (60, 2), (96, 2), (2000, 3)):
        ref = np.arange(n, dtype=float)
        cur = ref.copy()
        cur[-h:] += 10 * n
        pairs.append((f"ks_fallback_{n}x{n}_h{h}", ref, cur))
    return pairs


def ks_cases(pairs):
    cases = []
    for name, ref, cur in pairs:
        res = scipy.stats.ks_2samp(ref, cur)
        cases.append({"name": name, "sample": name, "statistic": fl(res.statistic), "pValue": fl(res.pvalue)})
    return cases


def ks_sweep_cases():
    """Every size pair 1..12 x 1..12 on small-integer data (many ties) plus random medium sizes, data stored inline."""
    rng = np.random.default_rng(77)
    cases = []
    for n1 in range(1, 13):
        for n2 in range(1, 13):
            ref = rng.integers(0, 6, n1).astype(float)
            cur = (rng.integers(0, 6, n2) + rng.integers(0, 2)).astype(float)
            res = scipy.stats.ks_2samp(ref, cur)
            cases.append({"name": f"sweep_{n1}x{n2}", "reference": fls(ref), "current": fls(cur),
                          "statistic": fl(res.statistic), "pValue": fl(res.pvalue)})
    for i in range(40):
        n1, n2 = int(rng.integers(13, 400)), int(rng.integers(13, 400))
        ref = np.round(rng.normal(0, 1, n1), 2)
        cur = np.round(rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.7, 1.5), n2), 2)
        res = scipy.stats.ks_2samp(ref, cur)
        cases.append({"name": f"medium_{i}_{n1}x{n2}", "reference": fls(ref), "current": fls(cur),
                      "statistic": fl(res.statistic), "pValue": fl(res.pvalue)})
    return cases


def kstwo_cases():
    """kstwo.sf(x, n) over the branches of SciPy's _kolmogn (Ruben-Gambino, Durbin, Pomeranz, Pelz-Good, Smirnov)."""
    cases = []
    for n in (1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 2857, 5000, 20000, 100000, 100001, 250000):
        xs = set()
        for z in (0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0):
            xs.add(z / np.sqrt(n))
        for x in (0.4 / n, 0.5 / n, 0.75 / n, 1.0 / n, 1.5 / n, 0.01, 0.05, 0.1, 0.2, 0.3, 0.49, 0.5, 0.6, 0.9, 0.99,
                  1.0 - 1.0 / n, 1.0 - 0.5 / n):
            xs.add(x)
        for x in sorted(xs):
            if 0 < x < 1.5:
                cases.append({"n": n, "x": fl(x), "sf": fl(scipy.stats.kstwo.sf(x, n))})
    # Random points, log-uniform in n and in sqrt(n) x, to catch branch boundaries the grid misses.
    rng = np.random.default_rng(2024)
    for _ in range(600):
        n = int(np.exp(rng.uniform(0, np.log(300000))))
        x = min(1.0, np.exp(rng.uniform(np.log(0.3), np.log(8.0))) / np.sqrt(n))
        cases.append({"n": n, "x": fl(x), "sf": fl(scipy.stats.kstwo.sf(x, n))})
    return cases


def smirnov_cases():
    cases = []
    for n in (1, 2, 5, 10, 100, 1012, 1013, 5000, 40000, 1000001):
        xs = {0.0, 1.0, 0.5 / n, 1.0 / n, 0.999 / n, 2.5 / n, 0.5, 0.9, 1 - 1.0 / n, 1 - 0.5 / n}
        for z in (0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 5.0):
            xs.add(z / np.sqrt(n))
        for x in sorted(xs):
            if 0 <= x <= 1:
                cases.append({"n": n, "x": fl(x), "sf": fl(scipy.special.smirnov(n, x))})
    rng = np.random.default_rng(4048)
    for _ in range(300):
        n = int(np.exp(rng.uniform(0, np.log(300000))))
        x = min(1.0, np.exp(rng.uniform(np.log(0.05), np.log(6.0))) / np.sqrt(n))
        cases.append({"n": n, "x": fl(x), "sf": fl(scipy.special.smirnov(n, x))})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    pairs = sample_pairs()
    write("samples", "input samples referenced by name from the other files",
          [{"name": n, "reference": fls(r), "current": fls(c)} for n, r, c in pairs])
    quantile, sturges, findbin = binning_cases(pairs)
    write("binning_quantile_edges", "Binning.QuantileEdges + Binning.Count", quantile)
    write("binning_sturges_edges", "Binning.SturgesEdges + Binning.Count", sturges)
    write("binning_find_bin", "Binning.FindBin", findbin)
    write("psi", "PopulationStabilityIndex.Compute/FromCounts", psi_cases(quantile, sturges))
    counts = count_pairs(quantile, sturges)
    write("chisquare", "ChiSquare.GoodnessOfFit", chisquare_cases(counts))
    write("ztest", "ZTest.TwoProportions", ztest_cases())
    js, hel = distribution_cases(counts)
    write("jensenshannon", "JensenShannon.Distance", js)
    write("hellinger", "Hellinger.Distance", hel)
    write("multiple_testing", "MultipleTesting.Bonferroni/BenjaminiHochberg", multiple_testing_cases())
    large = large_pairs()
    write("samples_large", "large input samples (3-decimal values) referenced by name",
          [{"name": n, "reference": fls(r), "current": fls(c)} for n, r, c in large])
    write("wasserstein", "Wasserstein.Distance/NormedDistance", wasserstein_cases(pairs + large))
    extra = extra_ks_pairs()
    write("samples_ks", "more input samples (4-decimal values) for the exact KS p-value", [{"name": n, "reference": fls(r), "current": fls(c)} for n, r, c in extra])
    write("ks_2samp", "KolmogorovSmirnov.TwoSample/TwoSampleSorted", ks_cases(pairs + large + extra))
    write("ks_2samp_sweep", "KolmogorovSmirnov.TwoSample (inline data)", ks_sweep_cases())
    write("kstwo_sf", "internal KolmogorovDistribution.TwoSidedSurvival = scipy.stats.kstwo.sf", kstwo_cases())
    write("smirnov", "internal KolmogorovDistribution.Smirnov = scipy.special.smirnov", smirnov_cases())


if __name__ == "__main__":
    sys.exit(main())
