"""MiniLM's encoder layers run by ONNX Runtime: the same weights, about five times faster than NumPy.

Why: the forward pass was the largest single cost of a turn (``make bench``
profile: a third of the Rasa server's CPU; about 20-40 ms a message on this
machine). NumPy runs it as some hundred separate operations, each a call out of
Python with a temporary array; ONNX Runtime runs the same graph in C++ with
kernels made for small matrices. Same weights, same arithmetic (float32, exact
GELU with erf, the same layer norm): tests/test_sentence_embeddings.py checks
that the sentence vectors agree with the NumPy pass to 1e-4 (measured: 1e-6).

The graph is built here from the weights calmdesk/understanding/minilm.py already loaded
(``onnx.helper``), so nothing is downloaded and no model file is written: the
embedding lookup and its layer norm stay in NumPy (a table lookup), the six
transformer layers go to ONNX Runtime. Its threads follow ``OMP_NUM_THREADS``
(the servers set 1, calmdesk/stack.py; training uses every core).

If onnxruntime or onnx cannot be imported, ``build`` returns None and MiniLM
keeps its NumPy pass: slower, same vectors.
"""
from __future__ import annotations

import logging
import os
from typing import Callable

import numpy as np

logger = logging.getLogger(__name__)

Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (embedded tokens, mask bias) -> last hidden layer

OPSET = 17  # LayerNormalization is an operator from opset 17 on


def build(weights: dict[str, np.ndarray], layers: int, heads: int, eps: float) -> Forward | None:
    """The encoder layers as an ONNX Runtime session, or None when ONNX Runtime is not installed."""
    try:
        import onnxruntime
        from onnx import TensorProto, helper
    except ImportError as error:
        logger.warning("ONNX Runtime not available (%s): MiniLM runs in NumPy, slower", error)
        return None
    graph = _Graph(weights, heads, eps)
    hidden = "embedded"
    for layer in range(layers):
        hidden = graph.layer(layer, hidden)
    width = weights["embeddings.LayerNorm.weight"].shape[0]
    model = helper.make_model(
        helper.make_graph(
            graph.nodes, "minilm",
            [helper.make_tensor_value_info("embedded", TensorProto.FLOAT, ["batch", "length", width]),
             helper.make_tensor_value_info("mask_bias", TensorProto.FLOAT, ["batch", 1, 1, "length"])],
            [helper.make_tensor_value_info(hidden, TensorProto.FLOAT, ["batch", "length", width])],
            initializer=graph.initializers),
        opset_imports=[helper.make_opsetid("", OPSET)])
    options = onnxruntime.SessionOptions()
    threads = int(os.environ.get("OMP_NUM_THREADS") or 0)  # 0: ONNX Runtime's default, every core
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    def forward(embedded: np.ndarray, mask_bias: np.ndarray) -> np.ndarray:
        return session.run([hidden], {"embedded": embedded.astype(np.float32, copy=False),
                                      "mask_bias": mask_bias.astype(np.float32, copy=False)})[0]

    return forward


class _Graph:
    """The nodes and weights of BERT's encoder layers, in the order calmdesk/understanding/minilm.py computes them."""

    def __init__(self, weights: dict[str, np.ndarray], heads: int, eps: float) -> None:
        from onnx import numpy_helper

        self._array = numpy_helper.from_array
        self.weights, self.heads, self.eps = weights, heads, eps
        self.width = weights["embeddings.LayerNorm.weight"].shape[0]
        self.nodes: list = []
        self.initializers: list = []
        head = self.width // heads
        self.split = self._constant("split_heads", np.array([0, 0, heads, head], dtype=np.int64))
        self.merge = self._constant("merge_heads", np.array([0, 0, self.width], dtype=np.int64))
        self.scale = self._constant("scale", np.array(1.0 / np.sqrt(head), dtype=np.float32))
        self.one = self._constant("one", np.array(1.0, dtype=np.float32))
        self.half = self._constant("half", np.array(0.5, dtype=np.float32))
        self.inv_sqrt2 = self._constant("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))

    def _constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self._array(np.ascontiguousarray(value), name))
        return name

    def _op(self, op: str, inputs: list[str], output: str, **attributes) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def _dense(self, x: str, prefix: str) -> str:
        """x @ W + b; the weights are stored (in, out) already (calmdesk/understanding/minilm.py transposes them once)."""
        weight = self._constant(prefix + ".weight", self.weights[prefix + ".weight"].astype(np.float32))
        bias = self._constant(prefix + ".bias", self.weights[prefix + ".bias"].astype(np.float32))
        return self._op("Add", [self._op("MatMul", [x, weight], prefix + ".mm"), bias], prefix + ".out")

    def _norm(self, x: str, prefix: str) -> str:
        weight = self._constant(prefix + ".weight", self.weights[prefix + ".weight"].astype(np.float32))
        bias = self._constant(prefix + ".bias", self.weights[prefix + ".bias"].astype(np.float32))
        return self._op("LayerNormalization", [x, weight, bias], prefix + ".out", axis=-1, epsilon=self.eps)

    def _heads(self, x: str, name: str, perm: list[int]) -> str:
        return self._op("Transpose", [self._op("Reshape", [x, self.split], name + ".split")], name + ".heads",
                        perm=perm)

    def layer(self, i: int, x: str) -> str:
        p = f"encoder.layer.{i}."
        query = self._heads(self._dense(x, p + "attention.self.query"), p + "q", [0, 2, 1, 3])
        key = self._heads(self._dense(x, p + "attention.self.key"), p + "k", [0, 2, 3, 1])  # transposed for q @ k
        value = self._heads(self._dense(x, p + "attention.self.value"), p + "v", [0, 2, 1, 3])
        scores = self._op("Mul", [self._op("MatMul", [query, key], p + "qk"), self.scale], p + "scaled")
        scores = self._op("Add", [scores, "mask_bias"], p + "masked")
        attention = self._op("Softmax", [scores], p + "attention", axis=-1)
        context = self._op("Transpose", [self._op("MatMul", [attention, value], p + "ctx")], p + "ctx.t",
                           perm=[0, 2, 1, 3])
        context = self._op("Reshape", [context, self.merge], p + "ctx.merged")
        attended = self._dense(context, p + "attention.output.dense")
        x = self._norm(self._op("Add", [x, attended], p + "res1"), p + "attention.output.LayerNorm")
        hidden = self._dense(x, p + "intermediate.dense")
        # Exact GELU, as BERT and the NumPy pass: 0.5 * h * (1 + erf(h / sqrt 2)).
        erf = self._op("Erf", [self._op("Mul", [hidden, self.inv_sqrt2], p + "gelu.in")], p + "gelu.erf")
        one_plus = self._op("Add", [erf, self.one], p + "gelu.1p")
        gelu = self._op("Mul", [self._op("Mul", [hidden, one_plus], p + "gelu.x"), self.half], p + "gelu")
        out = self._dense(gelu, p + "output.dense")
        return self._norm(self._op("Add", [x, out], p + "res2"), p + "output.LayerNorm")
