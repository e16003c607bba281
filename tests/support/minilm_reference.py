"""An independent reference for the sentence model (tests only).

BERT as Hugging Face's `BertModel` computes it, written out in NumPy in
float64 the textbook way: the batch padded to its longest sequence, an
additive attention mask over the padding, exact GELU; then sentence-
transformers' pooling (mean over the mask) and L2 normalisation. The app's
own encoder (src/gaps/bert.rs) packs sequences instead of padding them and
runs in float32, so agreement checks both the arithmetic and the packing.

stdin: {"model": DIR, "ids": [[token ids], ...]}  (ids from the app's tokenizer)
stdout: {"vectors": [[384 floats], ...]}
Needs Debian's python3-numpy (scripts/setup).
"""

import json
import math
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(meta["shape"]).astype(np.float64)
    return out


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


erf = np.vectorize(math.erf)


def main():
    req = json.load(sys.stdin)
    model = req["model"]
    cfg = json.load(open(f"{model}/config.json"))
    w = load(f"{model}/model.safetensors")
    p = "" if "embeddings.word_embeddings.weight" in w else "bert."
    ids = req["ids"]
    batch, length = len(ids), max(len(s) for s in ids)
    tok = np.zeros((batch, length), dtype=np.int64)
    mask = np.zeros((batch, length))
    for i, s in enumerate(ids):
        tok[i, : len(s)] = s
        mask[i, : len(s)] = 1
    eps = cfg["layer_norm_eps"]
    heads = cfg["num_attention_heads"]
    hidden = cfg["hidden_size"]
    d = hidden // heads
    x = (
        w[p + "embeddings.word_embeddings.weight"][tok]
        + w[p + "embeddings.position_embeddings.weight"][np.arange(length)][None]
        + w[p + "embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], eps)
    additive = (1.0 - mask)[:, None, None, :] * -1e9
    for i in range(cfg["num_hidden_layers"]):
        L = f"{p}encoder.layer.{i}."

        def lin(name, v):
            return v @ w[L + name + ".weight"].T + w[L + name + ".bias"]

        def split(v):
            return v.reshape(batch, length, heads, d).transpose(0, 2, 1, 3)

        q = split(lin("attention.self.query", x))
        k = split(lin("attention.self.key", x))
        v = split(lin("attention.self.value", x))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + additive
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        h = layer_norm(
            lin("attention.output.dense", ctx) + x,
            w[L + "attention.output.LayerNorm.weight"],
            w[L + "attention.output.LayerNorm.bias"],
            eps,
        )
        up = lin("intermediate.dense", h)
        up = 0.5 * up * (1.0 + erf(up / math.sqrt(2.0)))
        x = layer_norm(
            lin("output.dense", up) + h, w[L + "output.LayerNorm.weight"], w[L + "output.LayerNorm.bias"], eps
        )
    pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    json.dump({"vectors": pooled.tolist()}, sys.stdout)


main()
