"""GPT-4's recorded FOLIO programs (Logic-LM) through the whole LLM pipeline, beside the direct import.

It writes Logic-LM's `raw_logic_programs` as a replay file (`{"id": "folio-N", "completions": [...]}`,
the same ids as `--format folio-nl`), then runs, in one process and on one warm engine:
  1. `--format logic-lm-programs` on the programs file (the importer reads the first program of each row);
  2. `--format folio-nl --model replay:FILE --samples 1` on FOLIO's English (the formalizer path: prompt,
     recorded completion, reader, sandboxed solve, vote of one);
and prints both summaries and every problem where the two differ. They should be the same: the recorded
completion is the same text, read by the formalizer's reader instead of the importer.

    python benchmarks/folio_replay.py [--data ../shared/data/folio] [--samples K]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from neurosym.bench import summarize
from neurosym.datasets import get_loader
from neurosym.engine import Engine


def write_replay(programs_file: Path, target: Path) -> int:
    """Logic-LM's programs as replay records keyed by FOLIO's ids (the rows are in the same order)."""
    rows = json.loads(programs_file.read_text(encoding="utf-8"))
    with target.open("w", encoding="utf-8") as out:
        for number, row in enumerate(rows, start=1):
            out.write(json.dumps({"id": f"folio-{number}", "completions": row.get("raw_logic_programs") or []}) + "\n")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/folio")
    parser.add_argument("--samples", type=int, default=1)
    args = parser.parse_args()
    data = Path(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        replay = Path(tmp) / "gpt4-folio.jsonl"
        write_replay(data / "logic-lm-gpt4-programs.json", replay)
        engine = Engine(workers=2)
        started = time.perf_counter()
        direct = engine.solve_many(get_loader("logic-lm-programs")(data / "logic-lm-gpt4-programs.json"))
        direct_summary = summarize(direct, time.perf_counter() - started)
        engine.model, engine.samples = f"replay:{replay}", args.samples
        started = time.perf_counter()
        replayed = engine.solve_many(get_loader("folio-nl")(data / "folio-validation.jsonl"))
        replay_summary = summarize(replayed, time.perf_counter() - started)
    print("logic-lm-programs:", json.dumps(direct_summary))
    print("folio-nl + replay:", json.dumps(replay_summary))
    differ = 0
    for one, two in zip(direct, replayed, strict=True):
        if (one.status, one.answer, one.correct) != (two.status, two.answer, two.correct):
            differ += 1
            print(f"  differ {two.id}: {one.status}/{one.answer} vs {two.status}/{two.answer}"
                  f" ({two.error.message if two.error else ''})")
    print(f"problems that differ: {differ}")


if __name__ == "__main__":
    main()
