#!/usr/bin/env python3
"""Writes a synthetic CSV for the mlops CLI benchmarks: ROWS rows x 20 columns (16 numeric, 2 categorical, 2 boolean).

    python3 tools/cli/generate_csv.py ROWS OUT.csv [--shift S] [--seed N]

--shift moves the numeric means by S standard deviations and skews the categories (current data that drifted).
Nothing generated here is committed: run it before measuring (see src/MLOps.Cli/README.md, Performance).
"""
import argparse
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--shift", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    cities = ["paris", "lyon", "nantes", "lille", "nice", "rennes", "brest", "metz"]
    weights = [8, 6, 5, 4, 3, 2, 1, 1] if args.shift == 0 else [1, 1, 2, 3, 4, 5, 6, 8]
    payments = ["card", "cash", "app"]
    header = [f"x{i}" for i in range(16)] + ["city", "payment", "airport", "night"]
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(header) + "\n")
        gauss = rnd.gauss
        for _ in range(args.rows):
            row = [f"{gauss(i + args.shift, 1 + i / 8):.6g}" for i in range(16)]
            row.append(rnd.choices(cities, weights)[0])
            row.append(payments[rnd.randrange(3)])
            row.append("true" if rnd.random() < 0.2 + args.shift / 10 else "false")
            row.append("true" if rnd.random() < 0.3 else "false")
            f.write(",".join(row) + "\n")


if __name__ == "__main__":
    main()
