"""Output tokens/s with and without the FOL grammar on a CUDA GPU, transformers and vLLM, K samples a prompt.

No weights can be downloaded, so a model of a real size is built from its config with random weights
(default: a Llama-3-8B-shaped config, bfloat16) and saved to a temporary folder, together with a byte-level
BPE tokenizer trained here. Random weights rarely choose to stop, so every sample runs to --max-tokens
(ignore_eos for vLLM): tokens/s then measures decoding cost, the grammar's share of it included.

    .venv/bin/python benchmarks/gpu_decoding.py [--layers 32] [--hidden 4096] [--prompts 16] [--k 10] [--json]

Without CUDA it says so and exits 0 (the marked test in tests/llm/test_gpu.py runs a small version).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def build(folder: Path, layers: int, hidden: int, vocab: int) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from neurosym.llm.tiny import seed_texts, train_tokenizer

    tokenizer = train_tokenizer(seed_texts() * 20, vocab)
    heads = max(1, hidden // 128)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=int(hidden * 3.5),
                         num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=max(1, heads // 4),
                         max_position_embeddings=4096, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, bos_token_id=None, dtype="bfloat16")
    with torch.device("cuda"):
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    del model
    torch.cuda.empty_cache()


def measure(client, prompts: list[str], k: int, max_tokens: int, grammar: str | None) -> dict:
    started = time.perf_counter()
    rows = client.generate(prompts, grammar=grammar, n=k, max_tokens=max_tokens, temperature=1.0, seed=0)
    seconds = time.perf_counter() - started
    tokens = sum(c.completion_tokens or 0 for row in rows for c in row)
    errors = sum(c.finish_reason == "error" for row in rows for c in row)
    return {"tokens": tokens, "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds, 1),
            "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=4096)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--engines", default="transformers,vllm")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("gpu_decoding: no CUDA device here; nothing measured")
        return 0
    from neurosym.llm import LLMError, load_model

    prompts = [f"Problem {i}: formalize the premises in first-order logic.\n" for i in range(args.prompts)]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder), args.layers, args.hidden, args.vocab)
        for engine in args.engines.split(","):
            try:
                if engine == "transformers":
                    client = load_model(f"transformers:{folder}", dtype="bfloat16")
                else:
                    client = load_model(f"vllm:{folder}", dtype="bfloat16", gpu_memory_utilization=0.8,
                                        max_model_len=2048)
            except LLMError as e:
                print(f"{engine}: skipped: {e}")
                continue
            measure(client, prompts[:2], 2, 8, None)  # warm-up
            free = measure(client, prompts, args.k, args.max_tokens, None)
            fol = measure(client, prompts, args.k, args.max_tokens, "fol")
            row = {"engine": engine, "gpu": torch.cuda.get_device_name(), "layers": args.layers,
                   "hidden": args.hidden, "k": args.k, "prompts": args.prompts, "unconstrained": free,
                   "fol": fol, "ratio": round(fol["tokens_per_s"] / free["tokens_per_s"], 3)}
            results.append(row)
            print(json.dumps(row) if args.json else
                  f"{engine}: {free['tokens_per_s']} tok/s free, {fol['tokens_per_s']} tok/s with fol.lark "
                  f"(x{row['ratio']}), {fol['errors']} errors", flush=True)
            client.close()
            del client
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
