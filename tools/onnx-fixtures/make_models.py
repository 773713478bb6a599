#!/usr/bin/python3
"""Writes the small ONNX models the ONNX serving tests use, and the outputs they must produce.

Run it from the repository root after `apt-get install -y python3-onnx python3-torch`:

    /usr/bin/python3 tools/onnx-fixtures/make_models.py   # Debian's Python, where apt installs onnx and torch

It writes tests/MLOps.TestSupport/OnnxFixtures/*.onnx and expected.json. The files are committed, so the tests never
need Python. Expected outputs come from PyTorch's own forward pass (not ONNX Runtime), so the tests compare two runtimes.
"""
import json
import os

import onnx
import onnx.helper as oh
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "MLOps.TestSupport", "OnnxFixtures")
OPSET = 13
torch.manual_seed(7)


class Fare(torch.nn.Module):
    """A linear regression over three scalar inputs, each [batch, 1]: fare = b + w . (distance, passengers, hour)."""

    def __init__(self, weights, bias):
        super().__init__()
        self.linear = torch.nn.Linear(3, 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([weights], dtype=torch.float32))
            self.linear.bias.copy_(torch.tensor([bias], dtype=torch.float32))

    def forward(self, distance, passengers, hour):
        return self.linear(torch.cat([distance, passengers, hour], dim=1))


class Mlp(torch.nn.Module):
    """A small MLP: features [batch, 4] -> 8 ReLU -> scores [batch, 2]."""

    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))

    def forward(self, features):
        return self.net(features)


class SumAnyWidth(torch.nn.Module):
    """features [batch, width] with a dynamic width -> total [batch, 1]."""

    def forward(self, features):
        return features.sum(dim=1, keepdim=True)


class Root(torch.nn.Module):
    """y = sqrt(x): NaN for a negative x."""

    def forward(self, x):
        return torch.sqrt(x)


def export(model, args, path, input_names, output_names, dynamic):
    torch.onnx.export(model, args, os.path.join(OUT, path), input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=OPSET)
    onnx.checker.check_model(onnx.load(os.path.join(OUT, path)))


def fare_cases(model, rows):
    cases = []
    with torch.no_grad():
        for d, p, h in rows:
            t = lambda v: torch.tensor([[v]], dtype=torch.float32)
            cases.append({"distance": d, "passengers": p, "hour": h, "fare": float(model(t(d), t(p), t(h))[0, 0])})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    rows = [(1.0, 1.0, 8.0), (3.5, 2.0, 17.0), (12.25, 4.0, 23.0), (0.0, 0.0, 0.0)]
    batch = {n: {0: "batch"} for n in ["distance", "passengers", "hour", "fare"]}
    scalar = torch.zeros(1, 1)

    v1 = Fare([1.8, 0.3, 0.05], 2.5)
    export(v1, (scalar, scalar, scalar), "fare_v1.onnx", ["distance", "passengers", "hour"], ["fare"], batch)
    expected["fare_v1"] = fare_cases(v1, rows)

    v2 = Fare([2.1, 0.1, 0.0], 3.0)
    export(v2, (scalar, scalar, scalar), "fare_v2.onnx", ["distance", "passengers", "hour"], ["fare"], batch)
    expected["fare_v2"] = fare_cases(v2, rows)

    mlp = Mlp()
    export(mlp, (torch.zeros(1, 4),), "mlp.onnx", ["features"], ["scores"], {"features": {0: "batch"}, "scores": {0: "batch"}})
    inputs = [[0.5, -1.0, 2.0, 0.25], [1.0, 1.0, 1.0, 1.0], [-3.0, 0.0, 4.5, -0.75]]
    with torch.no_grad():
        expected["mlp"] = [{"features": f, "scores": [float(v) for v in mlp(torch.tensor([f]))[0]]} for f in inputs]

    export(SumAnyWidth(), (torch.zeros(1, 3),), "dynamic_width.onnx", ["features"], ["total"],
           {"features": {0: "batch", 1: "width"}, "total": {0: "batch"}})

    export(Root(), (torch.zeros(1, 1),), "sqrt.onnx", ["x"], ["y"], {"x": {0: "batch"}, "y": {0: "batch"}})

    # An operator set no runtime implements: ONNX Runtime refuses the model when it loads.
    node = oh.make_node("Identity", ["x"], ["y"])
    graph = oh.make_graph([node], "future", [oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", 1])],
                          [oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["batch", 1])])
    future = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 99)], producer_name="make_models.py")
    onnx.save(future, os.path.join(OUT, "future_opset.onnx"))

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
