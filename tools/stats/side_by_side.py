#!/usr/bin/python3
"""Side by side: the .NET batch drift report against the same comparison in NumPy/SciPy, on the same data.

Not part of CI. Run from the repository root with the system Python (NumPy 1.24, SciPy 1.10.1):

    /usr/bin/python3 tools/stats/side_by_side.py --rows 1000000 --features 20

What it does:

1. Generates seeded data with NumPy (feature f ~ Normal(f, 1 + f/10); in the current data every other feature is
   shifted by 0.1 sd) and writes it as raw float64 columns (reference.f64, current.f64) into a work folder.
2. Runs the .NET side (`dotnet run -c Release --project benchmarks/MLOps.Benchmarks -- batch-side-by-side ...`), which
   reads the same files, builds the reference profile, times `DriftDetector.CompareColumns` once per method
   (normed Wasserstein, the default for large references; Kolmogorov-Smirnov; PSI on the reference's quantile bins),
   best of --repeat runs, and writes its per-feature results plus the samples its report compared.
3. Recomputes every statistic with SciPy on the *same samples* the .NET report used and on the same bins, and checks
   they agree (1e-9 relative, 1e-12 absolute below 1e-3).
4. Times two Python versions of the same comparison, per method, over all features:
   - "same algorithm": exactly the work the .NET report does on the current data: one pass over every current value
     (missing / infinity / out-of-range counts, bin counts on the reference's quantile edges (np.searchsorted +
     np.bincount, the same counts as np.histogram and faster), a uniform sample of
     ProfileOptions.SampleSize values without replacement), then the statistic on the bounded samples (Wasserstein,
     KS) or on the bin counts (PSI). Same inputs (reference profile: edges, counts, sample), same outputs.
   - "full data": what one writes with SciPy without a profile, as Evidently does: scipy.stats.wasserstein_distance /
     ks_2samp on all reference and all current rows, PSI with np.quantile edges of the whole reference. This is more
     work than the .NET report (it sorts every row of both sides) and its statistics differ from the sampled ones by
     the sampling error, which is printed too.
   and prints a table with the ratios Python time / .NET time.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import scipy.stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
METHODS = ("wasserstein", "ks", "psi")
MIN_SCALE = 0.001      # Wasserstein.MinimumScale
EMPTY_SHARE = 1e-4     # PopulationStabilityIndex.EmptyShare
SAMPLE_SIZE = 5000     # ProfileOptions.DefaultSampleSize
BINS = 10              # ProfileOptions.BinCount default


def generate(rows, features, seed):
    rng = np.random.default_rng(seed)
    reference = np.empty((features, rows))
    current = np.empty((features, rows))
    for f in range(features):
        sd = 1 + f / 10
        reference[f] = rng.normal(f, sd, rows)
        current[f] = rng.normal(f + (0.1 * sd if f % 2 == 1 else 0), sd, rows)
    return reference, current


def psi(reference_counts, current_counts):
    r = np.asarray(reference_counts, dtype=float)
    c = np.asarray(current_counts, dtype=float)
    r = r / r.sum()
    c = c / c.sum()
    r = np.where(r == 0, EMPTY_SHARE, r)
    c = np.where(c == 0, EMPTY_SHARE, c)
    return float(np.sum((r - c) * np.log(r / c)))


def normed_wasserstein(reference, current):
    return float(scipy.stats.wasserstein_distance(reference, current) / max(np.std(reference), MIN_SCALE))


def statistic(method, reference_sample, current_sample, reference_counts, current_counts):
    """(statistic, p-value or None) as the .NET report computes it from the samples / bin counts."""
    if method == "wasserstein":
        return normed_wasserstein(reference_sample, current_sample), None
    if method == "ks":
        result = scipy.stats.ks_2samp(reference_sample, current_sample)
        return float(result.statistic), float(result.pvalue)
    return psi(reference_counts, current_counts), None


def same_algorithm(method, current, profile, rng):
    """The .NET report's work on the current data, in NumPy: one pass over every value, then the statistic."""
    results = []
    for f in range(current.shape[0]):
        column = current[f]
        nan = np.isnan(column)
        inf = np.isinf(column)
        finite = column[~(nan | inf)]
        missing, infinity = int(nan.sum()), int(inf.sum())
        out_of_range = int(np.count_nonzero((finite < profile["reference_min"][f]) | (finite > profile["reference_max"][f])))
        # np.histogram's counts for these edges (outer ones infinite), 3x faster than np.histogram itself: the bin of
        # x is the number of inner edges <= x.
        counts = np.bincount(np.searchsorted(profile["inner_edges"][f], finite, side="right"), minlength=len(profile["edges"][f]) - 1)
        k = profile["sample_size"]
        sample = finite[rng.choice(finite.size, size=k, replace=False)] if finite.size > k else finite
        stat = statistic(method, profile["reference_sample"][f], sample, profile["reference_bin_counts"][f], counts)
        results.append((stat, missing, infinity, out_of_range))
    return results


def full_data(method, reference, current):
    """The comparison on every row of both sides, as written with SciPy without a profile (Evidently's way)."""
    results = []
    for f in range(current.shape[0]):
        if method == "wasserstein":
            results.append((normed_wasserstein(reference[f], current[f]), None))
        elif method == "ks":
            r = scipy.stats.ks_2samp(reference[f], current[f])
            results.append((float(r.statistic), float(r.pvalue)))
        else:
            edges = np.quantile(reference[f], np.linspace(0, 1, BINS + 1))
            edges[0], edges[-1] = -np.inf, np.inf
            results.append((psi(np.histogram(reference[f], edges)[0], np.histogram(current[f], edges)[0]), None))
    return results


def best_time(action, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if abs(a) < 1e-3 or abs(b) < 1e-3:
        return abs(a - b) <= 1e-12 or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help=".NET timings: best of this many runs (after a warm-up)")
    parser.add_argument("--py-repeat", type=int, default=3, help="Python same-algorithm timings: best of this many runs")
    parser.add_argument("--full-repeat", type=int, default=1, help="Python full-data timings: best of this many runs")
    parser.add_argument("--dir", help="work folder (default: a new temporary folder, removed at the end)")
    parser.add_argument("--no-build", action="store_true", help="pass --no-build to dotnet run")
    args = parser.parse_args()

    work = args.dir or tempfile.mkdtemp(prefix="side_by_side_")
    os.makedirs(work, exist_ok=True)
    rows, features = args.rows, args.features
    print(f"side_by_side: {rows:,} rows x {features} numeric features, seed {args.seed}; "
          f"Python {sys.version.split()[0]}, NumPy {np.__version__}, SciPy {scipy.__version__}; work folder {work}")

    reference, current = generate(rows, features, args.seed)
    reference.tofile(os.path.join(work, "reference.f64"))
    current.tofile(os.path.join(work, "current.f64"))

    command = ["dotnet", "run", "-c", "Release", "--project", os.path.join(ROOT, "benchmarks", "MLOps.Benchmarks")]
    if args.no_build:
        command.append("--no-build")
    command += ["--", "batch-side-by-side", "--dir", work, "--rows", str(rows), "--features", str(features),
                "--repeat", str(args.repeat)]
    subprocess.run(command, check=True, cwd=ROOT)

    with open(os.path.join(work, "dotnet.json"), encoding="utf-8") as stream:
        net = json.load(stream)
    sizes, reference_sizes = net["sample_sizes"], net["reference_sample_sizes"]
    current_samples = np.split(np.fromfile(os.path.join(work, "current_sample.f64")), np.cumsum(sizes)[:-1])
    reference_samples = np.split(np.fromfile(os.path.join(work, "reference_sample.f64")), np.cumsum(reference_sizes)[:-1])
    edges = [np.concatenate(([-np.inf], inner, [np.inf])) for inner in net["inner_edges"]]
    profile = {
        "edges": edges,
        "inner_edges": [np.asarray(inner, dtype=float) for inner in net["inner_edges"]],
        "reference_bin_counts": net["reference_bin_counts"],
        "reference_min": net["reference_min"],
        "reference_max": net["reference_max"],
        "reference_sample": reference_samples,
        "sample_size": max(reference_sizes),
    }

    # 1. Agreement on the same inputs: .NET's samples and the profile's bins, recomputed with SciPy.
    failures = []
    for f in range(features):
        expected_edges = np.quantile(reference[f], np.linspace(0, 1, BINS + 1))[1:-1]
        if not all(close(a, b) for a, b in zip(expected_edges, net["inner_edges"][f])):
            failures.append(f"f{f}: profile edges differ from np.quantile")
        if list(np.histogram(reference[f], edges[f])[0]) != net["reference_bin_counts"][f]:
            failures.append(f"f{f}: profile bin counts differ from np.histogram")
        counts = np.histogram(current[f], edges[f])[0]
        out_of_range = int(np.count_nonzero((current[f] < reference[f].min()) | (current[f] > reference[f].max())))
        if out_of_range != net["out_of_range"][f]:
            failures.append(f"f{f}: out-of-range count {net['out_of_range'][f]} != {out_of_range}")
        for method in METHODS:
            stat, p = statistic(method, reference_samples[f], current_samples[f], net["reference_bin_counts"][f], counts)
            net_stat, net_p = net["methods"][method]["statistic"][f], net["methods"][method]["p_value"][f]
            if not close(stat, net_stat) or not close(p, net_p):
                failures.append(f"f{f} {method}: .NET {net_stat} / {net_p}, SciPy {stat} / {p}")

    # 2. Timings: the same algorithm in NumPy/SciPy and the full-data SciPy comparison.
    timings = {}
    sampled = {}
    full = {}
    for method in METHODS:
        rng = np.random.default_rng(args.seed + 1)
        timings[(method, "same")], sampled[method] = best_time(lambda: same_algorithm(method, current, profile, rng), args.py_repeat)
        timings[(method, "full")], full[method] = best_time(lambda: full_data(method, reference, current), args.full_repeat)

    def profile_numpy():
        rng = np.random.default_rng(args.seed + 2)
        out = []
        for f in range(features):
            column = reference[f]
            finite = column[np.isfinite(column)]
            e = np.quantile(finite, np.linspace(0, 1, BINS + 1))
            e[0], e[-1] = -np.inf, np.inf
            bins = np.bincount(np.searchsorted(e[1:-1], finite, side="right"), minlength=BINS)
            out.append((finite.mean(), finite.std(ddof=1), finite.min(), finite.max(), bins,
                        finite[rng.choice(finite.size, size=SAMPLE_SIZE, replace=False)] if finite.size > SAMPLE_SIZE else finite))
        return out

    profile_ms, _ = best_time(profile_numpy, args.py_repeat)

    print()
    print(f"Agreement on the same inputs (.NET's samples and bins recomputed with SciPy, {features} features x "
          f"{len(METHODS)} methods, plus profile edges, bin counts and out-of-range counts): "
          + ("all agree (1e-9 relative)" if not failures else f"{len(failures)} DISAGREE"))
    for failure in failures:
        print("  " + failure)

    print()
    print(f"Time over all {features} features, {rows:,} reference and {rows:,} current rows "
          f"(.NET best of {args.repeat}, NumPy same algorithm best of {args.py_repeat}, SciPy full data best of {args.full_repeat}):")
    header = f"{'method':<12} {'.NET report':>12} {'NumPy same algo':>16} {'ratio':>7} {'SciPy full data':>16} {'ratio':>7}   max |.NET - full data| statistic"
    print(header)
    print("-" * len(header))
    for method in METHODS:
        net_ms = net["methods"][method]["compare_ms"]
        same_ms, full_ms = timings[(method, "same")], timings[(method, "full")]
        worst = max(abs(net["methods"][method]["statistic"][f] - full[method][f][0]) for f in range(features))
        print(f"{method:<12} {net_ms:>9.1f} ms {same_ms:>13.1f} ms {same_ms / net_ms:>6.1f}x {full_ms:>13.1f} ms {full_ms / net_ms:>6.1f}x   {worst:.4f}")
    net_profile = net["profile_ms"]
    print(f"{'profile ref':<12} {net_profile:>9.1f} ms {profile_ms:>13.1f} ms {profile_ms / net_profile:>6.1f}x "
          f"{'':>16} {'':>7}   (.NET ReferenceProfile.FromColumns vs NumPy quantiles + histogram + sample)")
    end_to_end = net_profile + net["methods"]["wasserstein"]["compare_ms"]
    print(f"From raw data (profile the reference + Wasserstein report): .NET {end_to_end:.1f} ms vs SciPy full data "
          f"{timings[('wasserstein', 'full')]:.1f} ms -> ratio {timings[('wasserstein', 'full')] / end_to_end:.1f}x")
    print("ratio = Python time / .NET time (> 1: .NET faster). The .NET report and the 'same algorithm' column compare "
          f"bounded samples ({max(sizes):,} current, {max(reference_sizes):,} reference values per feature) for "
          "Wasserstein and KS and all rows' bin counts for PSI; 'full data' sorts every row of both sides, so its "
          "Wasserstein/KS statistics differ from the sampled ones by the sampling error (last column; PSI is exact).")

    print()
    print("Per feature, default method (normed Wasserstein; drift when >= 0.1) and KS p-value:")
    print(f"{'feature':<8} {'.NET (sample)':>14} {'SciPy same sample':>18} {'SciPy full data':>16} {'KS p .NET':>11} {'KS p SciPy':>11} {'KS p full':>11}")
    for f in range(features):
        same_stat = normed_wasserstein(reference_samples[f], current_samples[f])
        ks_same = scipy.stats.ks_2samp(reference_samples[f], current_samples[f]).pvalue
        print(f"f{f:<7} {net['methods']['wasserstein']['statistic'][f]:>14.6f} {same_stat:>18.6f} {full['wasserstein'][f][0]:>16.6f} "
              f"{net['methods']['ks']['p_value'][f]:>11.3g} {ks_same:>11.3g} {full['ks'][f][1]:>11.3g}")

    if not args.dir:
        for name in os.listdir(work):
            os.remove(os.path.join(work, name))
        os.rmdir(work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
