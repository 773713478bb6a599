"""Regenerates river_streams.json: the input streams of River's own docstring examples, so the C# PageHinkley and
ADWIN can be checked against the detection indices River documents (River itself is not needed).

- page_hinkley: river/drift/page_hinkley.py (River 0.2x): rng = random.Random(12345);
  rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000) -> "Change detected at index 1006".
- adwin: river/drift/adwin.py (Cython helper adwin_c.pyx): np.random.seed(12345);
  np.concatenate((np.random.randint(2, size=1000), np.random.randint(4, high=8, size=1000)))
  -> changes at indices 1023, 1055, 1087, 1119.

Run: /usr/bin/python3 generate_streams.py
"""
import json
import random

import numpy as np

rng = random.Random(12345)
page_hinkley = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)

np.random.seed(12345)
adwin = np.concatenate((np.random.randint(2, size=1000), np.random.randint(4, high=8, size=1000))).tolist()

with open("river_streams.json", "w") as f:
    json.dump({
        "page_hinkley": {"stream": page_hinkley, "detections": [1006]},
        "adwin": {"stream": adwin, "detections": [1023, 1055, 1087, 1119]},
    }, f)
