"""`replay:PATH` — recorded completions instead of a model (published systems' released generations).

The file holds JSON lines `{"id": PROBLEM_ID, "completions": [TEXT, ...]}`. `generate` looks each prompt's
id up (prompts must be `Prompt`s carrying the id) and hands back the first n recorded completions. A prompt
whose id has no record, or fewer than n, gets error completions naming the id; the other prompts go on.
The grammar is not applied (the text is what the recorded model wrote): `constrained` is False.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from neurosym.llm.base import Completion, LLMError, check_request, cut_at_stop, prompt_id


class ReplayClient:
    def __init__(self, path: str | Path, *, spec: str | None = None) -> None:
        self.path = Path(path).expanduser()
        self.spec = spec or f"replay:{path}"
        if not self.path.is_file():
            raise LLMError(f"{self.spec}: replay file {str(self.path)!r} does not exist")
        self.records = _read_records(self.path)

    def generate(self, prompts: Sequence[str], *, grammar: str | None = None, n: int = 1,
                 temperature: float = 1.0, max_tokens: int = 512, stop: list[str] | None = None,
                 seed: int | None = None) -> list[list[Completion]]:
        check_request(prompts, n, temperature, max_tokens)
        results = []
        for i, prompt in enumerate(prompts):
            pid = prompt_id(prompt)
            if pid is None:
                raise LLMError(f"{self.spec}: prompt {i} carries no problem id; pass Prompt(text, id=...)")
            recorded = self.records.get(pid)
            if not recorded:
                where = "has no record" if recorded is None else "has an empty list of completions"
                results.append([Completion.failed(f"{self.spec}: problem id {pid!r} {where}")] * n)
                continue
            row = []
            for text in recorded[:n]:
                text, _ = cut_at_stop(text, stop if grammar is None else None)
                row.append(Completion(text, None, None, "stop", 0.0, False))
            missing = n - len(row)
            if missing > 0:
                row += [Completion.failed(f"{self.spec}: problem id {pid!r} has {len(recorded)} recorded "
                                          f"completions, {n} asked for")] * missing
            results.append(row)
        return results

    def close(self) -> None:
        pass


def _read_records(path: Path) -> dict[str, list[str]]:
    """id -> completions; a malformed line or a repeated id is an error naming file and line."""
    records: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise LLMError(f"{where}:{e.colno}: not JSON: {e.msg}") from e
            if not isinstance(row, dict) or "id" not in row or "completions" not in row:
                raise LLMError(f"{where}: a replay line needs \"id\" and \"completions\"")
            completions = row["completions"]
            if not isinstance(completions, list) or not all(isinstance(c, str) for c in completions):
                raise LLMError(f"{where}: \"completions\" must be a list of strings")
            key = str(row["id"])
            if key in records:
                raise LLMError(f"{where}: id {key!r} appears twice")
            records[key] = completions
    return records
