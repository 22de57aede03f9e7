"""Build a tiny sentence-transformers model offline: a StaticEmbedding over a character vocabulary.

The real default (BAAI/bge-small-zh-v1.5) cannot be downloaded on machines without access to the model
hub; this model exercises the same loading, encoding, storing and fusion code. Each character gets a fixed
pseudo-random vector, so a text's embedding is its normalised bag of characters: texts sharing many
characters are close, which is enough for the semantic channel to find real neighbours.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def build_char_model(target: Path, texts: list[str], dim: int = 96, seed: int = 7) -> Path:
    from sentence_transformers import SentenceTransformer
    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import StaticEmbedding
    from tokenizers import Regex, Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import NFKC
    from tokenizers.pre_tokenizers import Split

    chars = sorted({ch for text in texts for ch in text if not ch.isspace()})
    vocab = {"[UNK]": 0, "[PAD]": 1}
    for ch in chars:
        vocab.setdefault(ch, len(vocab))
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = NFKC()
    tokenizer.pre_tokenizer = Split(Regex(r"\S"), behavior="isolated")
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal((len(vocab), dim)).astype(np.float32)
    weights[0] = 0.0
    weights[1] = 0.0
    module = StaticEmbedding(tokenizer, embedding_weights=weights)
    model = SentenceTransformer(modules=[module], device="cpu")
    target = Path(target)
    model.save(str(target))
    return target
