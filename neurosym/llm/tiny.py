"""Tiny random-weight causal LMs and locally trained tokenizers, for tests and benchmarks (no download).

A byte-level BPE tokenizer (the kind GPT-2, Llama 3 and Qwen use) is trained with the `tokenizers`
library on whatever texts are given, and a Llama of a few layers is built from its config with random
weights. Saved with `save_pretrained`, the pair loads through `load_model("transformers:PATH")` like a
real checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from neurosym.resources import grammar_path

SPECIAL_TOKENS = ["<eos>", "<pad>"]


def seed_texts() -> list[str]:
    """Texts of every formal language the project speaks: the grammars and the example problems."""
    root = grammar_path("fol").parent
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("*.lark"))]
    examples = root.parent / "examples"
    if examples.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(examples.rglob("*")) if p.is_file()
                  and p.suffix in {".yaml", ".fol", ".pl", ".pddl", ".scm", ".json", ".jsonl"}]
    return texts


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Any:
    """A byte-level BPE `PreTrainedTokenizerFast` with `<eos>` and `<pad>`, trained on `texts`.

    Every byte is in the base alphabet, so any text can be tokenized; the vocabulary may come out smaller
    than `vocab_size` when the texts hold fewer distinct merges.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<eos>", pad_token="<pad>")


def random_llama(tokenizer: Any, *, layers: int = 2, hidden: int = 64, heads: int = 4, context: int = 512,
                 seed: int = 0) -> Any:
    """A `LlamaForCausalLM` with random weights sized for `tokenizer`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden,
                         num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=heads,
                         max_position_embeddings=context, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, bos_token_id=None, tie_word_embeddings=False)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.bos_token_id = None
    return model


def save_tiny_model(folder: Path, vocab_size: int = 2000, texts: Iterable[str] | None = None,
                    **model_options: Any) -> Path:
    """Train a tokenizer, build a random Llama, save both in `folder` (a `transformers:` path)."""
    tokenizer = train_tokenizer(seed_texts() if texts is None else texts, vocab_size)
    model = random_llama(tokenizer, **model_options)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder
