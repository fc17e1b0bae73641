"""Grammar-constrained decoding on CPU: parse rates with and without the constraint, mask time, speed ratio.

A byte-level BPE tokenizer of at least 100k tokens is trained here (the shared datasets plus Python's own
standard library as corpus; no download), a 2-layer random Llama is built for it, and for every grammar in
grammars/ the same prompts are sampled with and without the grammar. Printed per grammar: the share of
completions Lark parses (constrained: all samples, how many ended by themselves, "stop", and how many were cut,
"length"), llguidance's mask time per token (median, p99, microseconds; one matcher, one fill per generated
token, replayed from the constrained samples), matcher errors, and two speed ratios in the same run:
constrained over unconstrained tokens/s, and decoding steps/s (the batch runs until its last row ends, so
once constrained samples end early their tokens/s understates the per-step speed the constraint costs).

Constrained samples are ended with the transformers client's wind-down (`--wind-down 0.5`: over the last
half of max_tokens ending moves get a rising probability floor; docs/llm.md); `--wind-down 0` shows a random
model's own endings (almost none: it grows names until cut).

    .venv/bin/python benchmarks/constrained_decoding.py [--vocab 131072] [--samples 20] [--max-tokens 200]
        [--wind-down 0.5] [--repeat 3] [--grammar prolog] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import sysconfig
import time
from pathlib import Path

import lark

from neurosym.llm import Prompt
from neurosym.llm.constraint import GRAMMAR_NAMES
from neurosym.llm.hf import TransformersClient
from neurosym.llm.tiny import random_llama, seed_texts, train_tokenizer
from neurosym.resources import grammar_text

ROOT = Path(__file__).resolve().parents[1]


def corpus(limit_bytes: int) -> list[str]:
    texts = seed_texts()
    data = ROOT / ".." / "shared" / "data"
    files = sorted(p for p in data.rglob("*") if p.is_file()) if data.is_dir() else []
    files += sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))
    size = sum(map(len, texts))
    for path in files:
        if size > limit_bytes:
            break
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        texts.append(text)
        size += len(text)
    return texts


def tokens(rows: list) -> int:
    return sum(c.completion_tokens for row in rows for c in row)


def steps(rows: list) -> int:
    """Decoding steps the batch ran: its longest sample, plus the step that wrote its end-of-sequence."""
    return max(c.completion_tokens + (c.finish_reason == "stop") for row in rows for c in row)


def mask_times(client: TransformersClient, grammar: str, samples: list[list[int]]) -> tuple[list[float], int]:
    """Seconds per mask fill along each sample's tokens, one fresh matcher per sample; matcher errors."""
    import llguidance.torch

    compiled = client.compiled(grammar)
    bitmask = llguidance.torch.allocate_token_bitmask(1, client.ll_tokenizer().vocab_size)
    times, errors = [], 0
    for tokens in samples:
        matcher = compiled.matcher()
        for token in [*tokens, None]:
            started = time.perf_counter()
            llguidance.torch.fill_next_token_bitmask(matcher, bitmask, 0)
            times.append(time.perf_counter() - started)
            if matcher.is_error():
                errors += 1
                break
            if token is None or not matcher.consume_token(token):
                break
    return times, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=131072)
    parser.add_argument("--corpus-mb", type=float, default=40.0)
    parser.add_argument("--samples", type=int, default=20, help="samples per grammar (2 prompts x samples/2)")
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--wind-down", type=float, default=0.5, help="share of max_tokens that ends samples")
    parser.add_argument("--repeat", type=int, default=3, help="speed: unconstrained/constrained pairs (median)")
    parser.add_argument("--grammar", action="append", help="only this grammar (repeatable; default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    tokenizer = train_tokenizer(corpus(int(args.corpus_mb * 2**20)), args.vocab)
    print(f"tokenizer: {len(tokenizer)} tokens, trained in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    client = TransformersClient(random_llama(tokenizer, context=1024), tokenizer, wind_down=args.wind_down,
                                mask_threads=1)
    prompts = [Prompt("Formalize the problem.\n", id="a"), Prompt("program:", id="b")]
    n = max(1, args.samples // 2)
    client.generate(prompts, n=1, max_tokens=4, seed=0)  # warm-up
    names = list(GRAMMAR_NAMES)  # the decoding targets; any other grammar file can be named with --grammar
    names += [p.stem for p in sorted((ROOT / "grammars").glob("*.lark")) if p.stem not in names]
    for name in [g for g in names if (g in args.grammar if args.grammar else g in GRAMMAR_NAMES)]:
        text = grammar_text(name)
        lark_parser = lark.Lark(text, start="start", parser="earley")

        def parse_share(rows: list, lark_parser: lark.Lark = lark_parser) -> float:
            flat = [c for row in rows for c in row]
            ok = 0
            for c in flat:
                try:
                    lark_parser.parse(c.text)
                    ok += bool(c.text.strip())
                except lark.exceptions.LarkError:
                    pass
            return ok / len(flat)

        def timed(**options: object) -> tuple[list, float]:
            started = time.perf_counter()
            rows = client.generate(prompts, n=n, max_tokens=args.max_tokens, seed=1, **options)
            return rows, time.perf_counter() - started

        started = time.perf_counter()
        client.compiled(text).prepare_wind_down()  # one-time tables (like compiling): not in the timings
        print(f"{name}: compiled, wind-down tables in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        client.wind_down = 0.0  # the constraint alone: the speed figures, and the model's own endings
        pairs = []  # unconstrained and constrained runs alternate: a shared machine's load hits both alike
        for _ in range(args.repeat):
            free, free_seconds = timed()
            plain, plain_seconds = timed(grammar=text)
            pairs.append((free, free_seconds, plain, plain_seconds))
        client.wind_down = args.wind_down
        constrained, con_seconds = timed(grammar=text)
        flat = [c for row in constrained for c in row]
        token_ids = [tokenizer(c.text, add_special_tokens=False)["input_ids"] for c in flat]
        times, errors = mask_times(client, text, token_ids)
        micros = sorted(t * 1e6 for t in times)
        token_ratios = [tokens(p) / ps / (tokens(f) / fs) for f, fs, p, ps in pairs]
        step_ratios = [steps(p) / ps / (steps(f) / fs) for f, fs, p, ps in pairs]
        free_rate, con_rate = tokens(free) / free_seconds, tokens(plain) / plain_seconds
        free_steps = steps(free) / free_seconds
        row = {
            "grammar": name, "vocab": len(tokenizer), "samples": len(flat),
            "parse_constrained": round(parse_share(constrained), 3),
            "ended_constrained": sum(c.finish_reason == "stop" for c in flat),
            "cut_constrained": sum(c.finish_reason == "length" for c in flat),
            "errors_constrained": sum(c.finish_reason == "error" for c in flat) + errors,
            "parse_unconstrained": round(parse_share(free), 3),
            "parse_no_wind_down": round(parse_share(plain), 3),
            "ended_no_wind_down": sum(c.finish_reason == "stop" for row in plain for c in row),
            "mask_us_median": round(statistics.median(micros), 1),
            "mask_us_p99": round(micros[min(len(micros) - 1, int(0.99 * len(micros)))], 1),
            "mask_fills": len(micros),
            "tokens_per_s_constrained": round(con_rate, 1), "tokens_per_s_unconstrained": round(free_rate, 1),
            "speed_ratio": round(statistics.median(token_ratios), 3),
            "step_speed_ratio": round(statistics.median(step_ratios), 3),
            "step_speed_ratios": [round(r, 3) for r in step_ratios],
            "step_speed_ratio_wind_down": round(steps(constrained) / con_seconds / free_steps, 3),
        }
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{name:7} parse {row['parse_constrained']:.0%} constrained ({row['ended_constrained']} stop, "
                  f"{row['cut_constrained']} length, {row['errors_constrained']} errors of {len(flat)}) vs "
                  f"{row['parse_unconstrained']:.0%} free | mask {row['mask_us_median']} us median, "
                  f"{row['mask_us_p99']} us p99 | speed x{row['speed_ratio']} ({con_rate:.0f} vs {free_rate:.0f} "
                  f"tok/s), per step x{row['step_speed_ratio']} (x{row['step_speed_ratio_wind_down']} with the "
                  f"wind-down) | without the wind-down {row['ended_no_wind_down']} ended, "
                  f"{row['parse_no_wind_down']:.0%} parse", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
