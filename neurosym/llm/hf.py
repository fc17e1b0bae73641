"""`transformers:PATH` — batched sampling with a local model, the grammar enforced by llguidance bitmasks.

All prompts x n samples go through one `model.generate` call (left-padded batch); a logits processor holds
one llguidance matcher per sequence, fills the masks of the whole batch together (llguidance's executor,
in parallel, on a background thread that overlaps the model's forward pass), checks `is_error()` after
every fill and applies the masks with plain numpy/torch ops.

Ending samples under a grammar (`wind_down`): a model with no reason to stop (a random one, or a weak one)
grows names, comments and quoted atoms without end and is cut at `max_tokens`, so its sample is not a
sentence. With `wind_down=w > 0`, over the last share w of the budget the ending moves (end-of-sequence
where the matcher accepts; the closer of an open comment or string; the grammar's closing tokens, ")" "."
...) get a probability floor rising linearly to 1 at the last token, and idle tokens (whitespace, comment
openers) a matching cap. It only ever favours what the grammar allows; "stop" still means the model wrote
end-of-sequence where the text is a sentence, and a sample still cut says "length". Default 0: the model's
own distribution, unchanged (docs/llm.md).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from neurosym.llm.base import Completion, LLMError, check_request, cut_at_stop
from neurosym.llm.constraint import CompiledGrammar, apply_bitmask, compile_grammar, shift_share

DTYPES = ("auto", "float32", "bfloat16", "float16")


def _import_torch() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise LLMError("the transformers client needs torch and transformers: pip install 'neurosym[llm]'") from e
    return torch, transformers


class TransformersClient:
    """A local causal LM. Options: device ("auto" | "cpu" | "cuda[:i]"), dtype (see DTYPES), wind_down (the share
    of max_tokens over which constrained samples are led to an end; 0 = off), context (override the
    model's context length), batch_size (rows per generate call), mask_threads (llguidance's mask-filling
    threads; default: its own choice), download (allow the Hugging Face hub; off by default, so a missing
    path fails at once instead of trying the network)."""

    def __init__(self, model: Any, tokenizer: Any, *, spec: str = "transformers:<in memory>",
                 device: str = "auto", wind_down: float = 0.0, context: int | None = None,
                 batch_size: int | None = None, mask_threads: int | None = None) -> None:
        torch, transformers = _import_torch()
        if not isinstance(tokenizer, transformers.PreTrainedTokenizerFast):
            raise LLMError(f"{spec}: a fast (Rust) tokenizer is needed for grammar constraints; got "
                           f"{type(tokenizer).__name__}")
        self.spec = spec
        self.device = _pick_device(torch, device)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        if not 0.0 <= wind_down <= 1.0:
            raise LLMError(f"{spec}: wind_down is a share of max_tokens, from 0 (off) to 1; got {wind_down!r}")
        self.wind_down = float(wind_down)
        self.context = context or _context_length(model, tokenizer)
        self.batch_size = batch_size
        self.mask_threads = mask_threads
        self.vocab_size = model.get_output_embeddings().weight.shape[0]
        self.eos_ids = _eos_ids(model, tokenizer)
        self._ll_tokenizer: Any = None
        self._grammars: dict[str, CompiledGrammar] = {}
        self.mask_seconds: list[float] = []  # wall time of each batch mask fill in the last generate call

    @classmethod
    def load(cls, path: str, *, spec: str | None = None, dtype: str = "auto", download: bool = False,
             **options: Any) -> TransformersClient:
        torch, transformers = _import_torch()
        spec = spec or f"transformers:{path}"
        local = Path(path).expanduser()
        if not local.exists() and (path.startswith(("/", ".", "~")) or path.count("/") > 1):
            raise LLMError(f"{spec}: model path {path!r} does not exist")
        if dtype not in DTYPES:
            raise LLMError(f"{spec}: dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        where = str(local) if local.exists() else path
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(where, local_files_only=not download)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                where, dtype=dtype if dtype == "auto" else getattr(torch, dtype), local_files_only=not download)
        except (OSError, ValueError) as e:
            hint = "" if download else " (not a local folder and not in the Hugging Face cache; downloads are off)"
            raise LLMError(f"{spec}: cannot load model {path!r}{hint}: {e}") from e
        return cls(model, tokenizer, spec=spec, **options)

    # ------------------------------------------------------------------------------------------ protocol

    def generate(self, prompts: Sequence[str], *, grammar: str | None = None, n: int = 1,
                 temperature: float = 1.0, max_tokens: int = 512, stop: list[str] | None = None,
                 seed: int | None = None) -> list[list[Completion]]:
        check_request(prompts, n, temperature, max_tokens)
        torch, _ = _import_torch()
        compiled = self.compiled(grammar) if grammar is not None else None
        self.mask_seconds = []
        if seed is not None:
            torch.manual_seed(seed)
        results: list[list[Completion]] = [[] for _ in prompts]
        # rows: (prompt index, token ids, new-token budget); prompts that do not fit fail alone
        rows: list[tuple[int, list[int], int]] = []
        for i, prompt in enumerate(prompts):
            ids = self.tokenizer(str(prompt), add_special_tokens=True)["input_ids"]
            room = self.context - len(ids)
            if not ids:
                results[i] = [Completion.failed("empty prompt: the tokenizer gives no tokens and adds no BOS",
                                                constrained=compiled is not None)] * n
            elif room < 1:
                message = (f"prompt {i} is {len(ids)} tokens, the model's context is {self.context}: "
                           "nothing can be generated")
                results[i] = [Completion.failed(message, prompt_tokens=len(ids),
                                                constrained=compiled is not None)] * n
            else:
                rows.extend((i, ids, min(max_tokens, room)) for _ in range(n))
        by_budget: dict[int, list[tuple[int, list[int], int]]] = {}
        for row in rows:
            by_budget.setdefault(row[2], []).append(row)
        for budget, group in sorted(by_budget.items()):
            step = self.batch_size or len(group)
            for start in range(0, len(group), step):
                chunk = group[start:start + step]
                for (i, _, _), completion in zip(chunk, self._generate_rows(
                        chunk, budget, compiled, temperature, stop), strict=True):
                    results[i].append(completion)
        return results

    def close(self) -> None:
        self.model = None

    # ------------------------------------------------------------------------------------------ internals

    def ll_tokenizer(self) -> Any:
        """llguidance's view of the tokenizer (built once: about a second for a large vocabulary)."""
        if self._ll_tokenizer is None:
            import llguidance.hf

            self._ll_tokenizer = llguidance.hf.from_tokenizer(self.tokenizer, n_vocab=self.vocab_size,
                                                              eos_token=self.eos_ids)
        return self._ll_tokenizer

    def compiled(self, grammar: str) -> CompiledGrammar:
        if grammar not in self._grammars:
            self._grammars[grammar] = compile_grammar(grammar, self.ll_tokenizer())
        if self.wind_down > 0:
            self._grammars[grammar].prepare_wind_down()  # once per grammar: cached on it
        return self._grammars[grammar]

    def _generate_rows(self, rows: list[tuple[int, list[int], int]], budget: int,
                       compiled: CompiledGrammar | None, temperature: float,
                       stop: list[str] | None) -> list[Completion]:
        torch, transformers = _import_torch()
        width = max(len(ids) for _, ids, _ in rows)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for _, ids, _ in rows], device=self.device)
        attention = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for _, ids, _ in rows],
                                 device=self.device)
        processor = None
        processors = transformers.LogitsProcessorList()
        stopping = transformers.StoppingCriteriaList()
        if compiled is not None:
            processor = GrammarProcessor(compiled, len(rows), width, budget, self.eos_ids, self.ll_tokenizer(),
                                         self.mask_seconds, wind_down=self.wind_down,
                                         temperature=temperature, threads=self.mask_threads)
            processors.append(processor)
            stopping.append(MaskPrefetch(processor))
        sampling = temperature > 0
        config = transformers.GenerationConfig(
            max_new_tokens=budget, do_sample=sampling, temperature=temperature if sampling else None,
            top_k=0 if sampling else None, top_p=None, pad_token_id=pad, eos_token_id=self.eos_ids,
            stop_strings=(stop or None) if compiled is None else None)
        started = time.perf_counter()
        with torch.inference_mode():
            out = self.model.generate(input_ids=input_ids, attention_mask=attention, generation_config=config,
                                      logits_processor=processors, stopping_criteria=stopping,
                                      tokenizer=self.tokenizer)
        seconds = time.perf_counter() - started
        completions = []
        for r, (_, ids, _) in enumerate(rows):
            generated = out[r, width:].tolist()
            ended = next((k for k, t in enumerate(generated) if t in self.eos_ids), None)
            tokens = generated if ended is None else generated[:ended]
            finish = "length" if ended is None and len(tokens) >= budget else "stop"
            text = _decode_whole(self.tokenizer, tokens, cut=finish == "length")
            error = processor.errors.get(r) if processor else None
            if error is not None:
                completions.append(Completion(text, len(ids), len(tokens), "error", seconds, True, error))
                continue
            if compiled is None and stop:
                text, found = cut_at_stop(text, stop)
                finish = "stop" if found else finish
            completions.append(Completion(text, len(ids), len(tokens), finish, seconds, compiled is not None))
        return completions


class GrammarProcessor:
    """transformers logits processor: one fresh llguidance matcher per row, masks filled as a batch.

    Each step, every row's newest token is consumed by its matcher (rows that already ended are skipped)
    and the next masks are filled. `prepare` does both and starts the fill on a background thread; the
    client calls it from a stopping criterion, which transformers runs right after sampling, so the fill
    overlaps the model's next forward pass (llguidance and torch release the GIL) instead of following
    it. The processor call then waits for the fill and applies the masks. A matcher in error ends its row
    with end-of-sequence and the error is kept for the row's Completion. Per step the work on the logits is
    a few whole-batch tensor operations; Python loops run over rows only for the matchers.
    """

    def __init__(self, compiled: CompiledGrammar, rows: int, prompt_width: int, budget: int,
                 eos_ids: list[int], ll_tokenizer: Any, timings: list[float], *,
                 wind_down: float = 0.0, temperature: float = 1.0, threads: int | None = None) -> None:
        import llguidance
        import llguidance.torch

        self.compiled = compiled
        self.matchers = [compiled.matcher() for _ in range(rows)]
        self.grammar_name = compiled.name
        self.prompt_width = prompt_width
        self.budget = budget
        self.eos_ids = eos_ids
        self.wind_down = wind_down
        self.temperature = temperature if temperature > 0 else 1.0
        self.closing_ids = list(compiled.closing_ids) if wind_down > 0 else []
        self.idle_ids = list(compiled.idle_ids) if wind_down > 0 else []
        # per row while the wind-down is on: the closer of the comment or string it is in, and unread bytes
        self.enclosed: list[tuple[bytes | None, bytes]] = [(None, b"")] * rows
        self.ll_tokenizer = ll_tokenizer
        self.executor = llguidance.LLExecutor(num_threads=threads)
        self.bitmask = llguidance.torch.allocate_token_bitmask(rows, ll_tokenizer.vocab_size)
        self.done = [False] * rows
        self.has_text = [False] * rows  # a non-whitespace byte produced: `start: item*` accepts ""
        self.errors: dict[int, str] = {}
        self.timings = timings
        self.prepared = -1  # the number of generated tokens the pending fill is for
        self.pending: Future[list[tuple[Any, int]]] | None = None

    def ending_share(self, used: int) -> float:
        """The floor on the probability of ending moves for the token after `used` tokens: 0 before the last
        `wind_down` share of the budget, then rising linearly to 1 at the last token.

        Examples:
            >>> p = GrammarProcessor.__new__(GrammarProcessor)
            >>> p.budget, p.wind_down = 100, 0.5
            >>> [p.ending_share(u) for u in (0, 49, 74, 99)]
            [0.0, 0.0, 0.5, 1.0]
        """
        if self.wind_down <= 0:
            return 0.0
        progress = (used + 1) / self.budget
        return min(1.0, max(0.0, (progress - (1 - self.wind_down)) / self.wind_down))

    def prepare(self, input_ids: Any) -> None:
        """Consume each row's newest token and start filling the next masks in the background (once per step;
        a second call for the same step does nothing)."""
        used = input_ids.shape[1] - self.prompt_width
        if used == self.prepared:
            return
        if self.pending is not None:
            self.pending.result()  # a fill nobody used (the last step): never consume under a running fill
        self.prepared = used
        if used > 0:
            self._consume(input_ids[:, -1].tolist())
        live = [(m, r) for r, m in enumerate(self.matchers) if not self.done[r] and r not in self.errors]
        self.pending = _mask_pool().submit(self._fill, live)

    def _fill(self, live: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        import llguidance.torch

        started = time.perf_counter()
        llguidance.torch.fill_next_token_bitmask_par(self.executor, live, self.bitmask)
        self.timings.append(time.perf_counter() - started)
        return live

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        used = input_ids.shape[1] - self.prompt_width
        self.prepare(input_ids)  # nothing to do when the stopping criterion already did it
        assert self.pending is not None
        live, self.pending = self.pending.result(), None
        for matcher, r in live:
            if matcher.is_error():
                self._fail(r, matcher.get_error())
        apply_bitmask(scores, self.bitmask[: scores.shape[0]])
        over = [r for r in range(scores.shape[0]) if self.done[r] or r in self.errors]
        if over:  # a finished or failed row only pads with end-of-sequence
            scores[over] = float("-inf")
            scores[over, self.eos_ids[0]] = 0.0
        for r in range(scores.shape[0]):
            if not self.has_text[r] and not self.done[r] and r not in self.errors:
                others = torch.isfinite(scores[r]).sum() - torch.isfinite(scores[r, self.eos_ids]).sum()
                if others > 0:
                    scores[r, self.eos_ids] = float("-inf")
        share = self.ending_share(used)
        if share > 0:
            accepting = [r for _, r in live if r not in self.errors and self.has_text[r]
                         and self.matchers[r].is_accepting()]
            self._wind_down(scores, accepting, [r for _, r in live if r not in self.errors
                                                and r not in accepting], share)
        return scores

    def _wind_down(self, scores: Any, accepting: list[int], open_rows: list[int], share: float) -> None:
        """Give ending moves at least `share` of the probability (after the temperature the sampler will
        apply): end-of-sequence where the text is a whole sentence, the closer inside a comment or quoted
        string, the closing tokens elsewhere; idle tokens (whitespace, comment openers) get at most 1 - share."""
        totals = (scores if self.temperature == 1 else scores / self.temperature).logsumexp(-1)
        shift_share(scores, accepting + open_rows, self.idle_ids, 1 - share, floor=False,
                    temperature=self.temperature, totals=totals)
        groups: dict[tuple[bytes | None, bytes], list[int]] = {}
        for r in open_rows:
            groups.setdefault(self.enclosed[r], []).append(r)
        shift_share(scores, accepting, self.eos_ids, share, temperature=self.temperature, totals=totals)
        for state, rows in groups.items():
            ids = self.compiled.exit_ids(*state) if state[0] else self.closing_ids
            shift_share(scores, rows, ids, share, temperature=self.temperature, totals=totals)

    def _consume(self, tokens: list[int]) -> None:
        for r, token in enumerate(tokens):
            if self.done[r] or r in self.errors:
                continue
            if token in self.eos_ids:
                self.done[r] = True
            elif not self.matchers[r].consume_token(token):
                self._fail(r, f"the matcher refused token {token}")
            elif not self.has_text[r] or self.wind_down > 0:
                text = self.ll_tokenizer.decode_bytes([token])
                self.has_text[r] = self.has_text[r] or bool(text.strip())
                if self.wind_down > 0:
                    closer, unread = self.enclosed[r]
                    self.enclosed[r] = self.compiled.enclosures.scan(closer, unread + text)

    def _fail(self, r: int, message: str) -> None:
        self.errors[r] = f"grammar {self.grammar_name}: llguidance stopped the sample: {message}"


class MaskPrefetch:
    """transformers stopping criterion that never stops: run right after each sampled token, it hands the
    token to the `GrammarProcessor` so the next masks are filled while the model computes its next logits."""

    def __init__(self, processor: GrammarProcessor) -> None:
        self.processor = processor
        self.never: Any = None

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        self.processor.prepare(input_ids)
        if self.never is None or self.never.shape[0] != input_ids.shape[0]:
            self.never = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        return self.never


@cache
def _mask_pool() -> ThreadPoolExecutor:
    """One background thread for mask fills (llguidance spreads a batch over its own threads inside)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="neurosym-masks")


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise LLMError(f"device {device!r} asked for, but torch sees no CUDA device")
    return device


def _context_length(model: Any, tokenizer: Any) -> int:
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit:
        return int(limit)
    length = getattr(tokenizer, "model_max_length", None)
    return int(length) if length and length < 10**8 else 4096


def _eos_ids(model: Any, tokenizer: Any) -> list[int]:
    ids = getattr(model.generation_config, "eos_token_id", None) or getattr(model.config, "eos_token_id", None)
    if ids is None:
        ids = tokenizer.eos_token_id
    if ids is None:
        raise LLMError("the model and tokenizer name no end-of-sequence token")
    return [ids] if isinstance(ids, int) else list(ids)


def _decode_whole(tokenizer: Any, tokens: list[int], *, cut: bool) -> str:
    """Decode tokens; a sample cut mid-way may end inside a multi-byte character: drop that tail."""
    text = tokenizer.decode(tokens, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    if cut:
        for _ in range(4):
            if not text.endswith("\ufffd") or not tokens:
                break
            tokens = tokens[:-1]
            text = tokenizer.decode(tokens, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    return text
