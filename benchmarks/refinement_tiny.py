"""Refinement with the tiny random-weight model (built here, no download): how many rounds until every
sample parses, and what each round costs. A random model writes nonsense, so this measures the loop's
mechanics and cost, not a model's skill: with the grammar off, samples fail to parse and go back with their
located error; with it on, every sample not cut by max_tokens is already a sentence of the grammar.

    python benchmarks/refinement_tiny.py [--samples 4] [--rounds 3] [--max-tokens 48]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from neurosym.engine import Engine
from neurosym.formalize.llm import LLMFormalizer
from neurosym.llm import load_model
from neurosym.llm.tiny import save_tiny_model
from neurosym.problem import Problem

PROBLEMS = [
    Problem("socrates", language="fol", text="All men are mortal. Socrates is a man.", question="Socrates is mortal."),
    Problem("birds", language="prolog", text="Birds fly unless they are penguins. Tweety is a bird.",
            question="Does Tweety fly?"),
]


def parses(candidate) -> bool:
    error = candidate.error or (candidate.result.error if candidate.result else None)
    return error is None or error.kind not in {"syntax"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=48)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = save_tiny_model(Path(tmp), vocab_size=2000, context=4096)
        client = load_model(f"transformers:{folder}", wind_down=0.5)
        engine = Engine(workers=2)
        print(f"machine: {platform.processor() or platform.machine()}, tiny Llama (2 layers, 64 wide), "
              f"{args.samples} samples x {len(PROBLEMS)} problems")
        for constrained in (False, True):
            formalizer = LLMFormalizer(client, samples=args.samples, refine=args.rounds, constrained=constrained,
                                       max_tokens=args.max_tokens)
            started = time.perf_counter()
            found = formalizer.formalize(PROBLEMS, engine._solve_programs)
            seconds = time.perf_counter() - started
            rows = []
            for round_ in range(args.rounds + 1):
                this = [c for cs in found for c in cs if c.round == round_]
                if this:
                    rows.append({"round": round_, "samples": len(this), "parse": sum(map(parses, this)),
                                 "cut_by_max_tokens": sum(c.finish_reason == "length" for c in this)})
            voting = [c for cs in found for c in cs if not c.superseded]
            print(json.dumps({"constrained": constrained, "seconds": round(seconds, 2), "rounds": rows,
                              "parse_after_refinement": f"{sum(map(parses, voting))}/{len(voting)}"}))


if __name__ == "__main__":
    main()
