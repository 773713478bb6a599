#!/usr/bin/python3
"""Writes the small ONNX models the ONNX serving tests use, and the outputs they must produce.

Run it from the repository root after `apt-get install -y python3-onnx python3-torch`:

    /usr/bin/python3 tools/onnx-fixtures/make_models.py   # Debian's Python, where apt installs onnx and torch

It writes tests/MLOps.TestSupport/OnnxFixtures/*.onnx and expected.json (PyTorch exports for the float models; bool,
float16, string tensors and a ZipMap classifier built node by node with onnx.helper, since skl2onnx is not packaged). The files are committed, so the tests never
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


def save(graph, path, ml=False):
    """Saves a hand-built graph (opset 13, plus ai.onnx.ml 2 for the classic ML operators) after checking it."""
    opsets = [oh.make_opsetid("", OPSET)] + ([oh.make_opsetid("ai.onnx.ml", 2)] if ml else [])
    model = oh.make_model(graph, opset_imports=opsets, producer_name="make_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, path))


def tensor(name, elem, dims):
    return oh.make_tensor_value_info(name, elem, dims)


def more_types():
    """Graphs with bool, float16 and string tensors, and a classifier with a ZipMap output (as skl2onnx writes them).

    They are built node by node with onnx.helper (PyTorch exports neither strings nor ZipMap), and their expected outputs
    are computed here with numpy, independently of ONNX Runtime.
    """
    import numpy as np
    T = onnx.TensorProto
    expected = {}

    # bool: approved = amount > 100 and not flagged; flagged passes through as held.
    nodes = [oh.make_node("Greater", ["amount", "limit"], ["large"]),
             oh.make_node("Not", ["flagged"], ["clear"]),
             oh.make_node("And", ["large", "clear"], ["approved"]),
             oh.make_node("Identity", ["flagged"], ["held"])]
    limit = oh.make_tensor("limit", T.FLOAT, [1], [100.0])
    save(oh.make_graph(nodes, "bool_gate", [tensor("amount", T.FLOAT, ["batch", 1]), tensor("flagged", T.BOOL, ["batch", 1])],
                       [tensor("approved", T.BOOL, ["batch", 1]), tensor("held", T.BOOL, ["batch", 1])], [limit]), "bool_gate.onnx")
    cases = [(50.0, False), (150.0, False), (150.0, True), (100.0, False)]
    expected["bool_gate"] = [{"amount": a, "flagged": f, "approved": bool(a > 100 and not f), "held": f} for a, f in cases]

    # float16: y = x * 1.5 + 0.25, computed in float32 between two casts (as a model quantized to half precision would).
    nodes = [oh.make_node("Cast", ["x"], ["x32"], to=T.FLOAT),
             oh.make_node("Mul", ["x32", "scale"], ["scaled"]),
             oh.make_node("Add", ["scaled", "shift"], ["y32"]),
             oh.make_node("Cast", ["y32"], ["y"], to=T.FLOAT16)]
    inits = [oh.make_tensor("scale", T.FLOAT, [1], [1.5]), oh.make_tensor("shift", T.FLOAT, [1], [0.25])]
    save(oh.make_graph(nodes, "half", [tensor("x", T.FLOAT16, ["batch", 2])], [tensor("y", T.FLOAT16, ["batch", 2])], inits), "half.onnx")
    rows = [[1.0, -2.0], [0.5, 1000.0], [3.140625, 0.0]]
    expected["half"] = [{"x": r, "y": [float(np.float16(np.float32(np.float16(v)) * np.float32(1.5) + np.float32(0.25))) for v in r]} for r in rows]

    # strings: a city name to its zone (string) and its code (int64), unknown cities to "other" / -1.
    cities, zones, codes = ["paris", "lyon", "nice"], ["north", "center", "south"], [75, 69, 6]
    nodes = [oh.make_node("LabelEncoder", ["city"], ["zone"], domain="ai.onnx.ml", keys_strings=cities, values_strings=zones, default_string="other"),
             oh.make_node("LabelEncoder", ["city"], ["code"], domain="ai.onnx.ml", keys_strings=cities, values_int64s=codes, default_int64=-1)]
    save(oh.make_graph(nodes, "strings", [tensor("city", T.STRING, ["batch", 1])],
                       [tensor("zone", T.STRING, ["batch", 1]), tensor("code", T.INT64, ["batch", 1])]), "strings.onnx", ml=True)
    lookup = dict(zip(cities, zip(zones, codes)))
    expected["strings"] = [{"city": c, "zone": lookup.get(c, ("other", -1))[0], "code": lookup.get(c, ("other", -1))[1]}
                           for c in ["paris", "nice", "berlin", ""]]

    # A logistic classifier in skl2onnx's shape: output_label int64[batch] and output_probability, a ZipMap of class -> probability.
    w = np.array([[1.5, -1.5], [-0.5, 0.5]], dtype=np.float32)
    b = np.array([0.25, -0.25], dtype=np.float32)
    nodes = [oh.make_node("MatMul", ["features", "w"], ["logits0"]),
             oh.make_node("Add", ["logits0", "b"], ["logits"]),
             oh.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
             oh.make_node("ArgMax", ["probabilities"], ["output_label"], axis=1, keepdims=0),
             oh.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml", classlabels_int64s=[0, 1])]
    inits = [oh.make_tensor("w", T.FLOAT, [2, 2], w.flatten().tolist()), oh.make_tensor("b", T.FLOAT, [2], b.tolist())]
    zipmap = onnx.ValueInfoProto(name="output_probability")   # seq(map(int64, float)); onnx 1.12's helper has no map type
    zipmap.type.sequence_type.elem_type.map_type.key_type = T.INT64
    zipmap.type.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = T.FLOAT
    save(oh.make_graph(nodes, "classifier", [tensor("features", T.FLOAT, ["batch", 2])],
                       [tensor("output_label", T.INT64, ["batch"]), zipmap], inits), "zipmap_classifier.onnx", ml=True)
    cases = []
    for f in [[1.0, 0.0], [-1.0, 2.0], [0.0, 0.0]]:
        logits = np.array(f, dtype=np.float32) @ w + b
        p = np.exp(logits - logits.max())
        p = p / p.sum()
        cases.append({"features": f, "label": int(p.argmax()), "probabilities": {"0": float(p[0]), "1": float(p[1])}})
    expected["zipmap_classifier"] = cases
    return expected


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

    expected.update(more_types())

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
