"""`vllm:PATH_OR_NAME` — vLLM's offline engine (GPU): all prompts in one call, `SamplingParams(n=K)`.

The grammar goes in as `StructuredOutputsParams(grammar=...)` with the engine's structured-outputs backend
set to `guidance` explicitly (with `auto`, a Lark grammar can be routed to another backend that mangles
it); the grammar text is the llguidance one (initial %ignore'd text allowed), as for transformers.
vllm is an optional extra (`pip install 'neurosym[vllm]'`): it is imported only when a client is built,
and its absence is a clear `LLMError`. Options: tensor_parallel_size, data_parallel_size, dtype,
gpu_memory_utilization, max_model_len, and any other `vllm.LLM` keyword.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from neurosym.llm.base import Completion, LLMError, check_request, cut_at_stop
from neurosym.llm.constraint import compile_grammar, llguidance_text


def import_vllm() -> Any:
    try:
        import vllm
    except ImportError as e:
        raise LLMError("the vllm: client needs vLLM and a CUDA GPU: pip install 'neurosym[vllm]' "
                       f"(import failed: {e})") from e
    return vllm


class VLLMClient:
    def __init__(self, model: str, *, spec: str | None = None, tensor_parallel_size: int = 1,
                 data_parallel_size: int = 1, **engine_options: Any) -> None:
        vllm = import_vllm()
        self.spec = spec or f"vllm:{model}"
        options = dict(engine_options)
        options.setdefault("structured_outputs_config", {"backend": "guidance"})
        if data_parallel_size != 1:
            options["data_parallel_size"] = data_parallel_size
        try:
            self.llm = vllm.LLM(model=model, tensor_parallel_size=tensor_parallel_size, **options)
        except (OSError, ValueError) as e:
            raise LLMError(f"{self.spec}: cannot load model {model!r}: {e}") from e
        self._vllm = vllm

    def generate(self, prompts: Sequence[str], *, grammar: str | None = None, n: int = 1,
                 temperature: float = 1.0, max_tokens: int = 512, stop: list[str] | None = None,
                 seed: int | None = None) -> list[list[Completion]]:
        check_request(prompts, n, temperature, max_tokens)
        from vllm.sampling_params import SamplingParams, StructuredOutputsParams

        structured = None
        if grammar is not None:
            compiled = compile_grammar(grammar)  # a GrammarError here, before the engine sees it
            structured = StructuredOutputsParams(grammar=llguidance_text(compiled.lark_text))
        params = SamplingParams(n=n, temperature=temperature, max_tokens=max_tokens, seed=seed,
                                stop=None if grammar is not None else stop, structured_outputs=structured)
        context = self.llm.llm_engine.model_config.max_model_len
        tokenizer = self.llm.get_tokenizer()
        sizes = [len(tokenizer(str(p))["input_ids"]) for p in prompts]
        fits = [i for i, size in enumerate(sizes) if size < context]
        started = time.perf_counter()
        outputs = self.llm.generate([str(prompts[i]) for i in fits], params, use_tqdm=False) if fits else []
        seconds = time.perf_counter() - started
        results: list[list[Completion]] = [
            [Completion.failed(f"prompt {i} is {size} tokens, the model's context is {context}",
                               prompt_tokens=size, constrained=grammar is not None)] * n
            for i, size in enumerate(sizes)]
        for i, output in zip(fits, outputs, strict=True):
            prompt_tokens = len(output.prompt_token_ids or [])
            row = []
            for sample in output.outputs:
                finish = {"stop": "stop", "length": "length"}.get(sample.finish_reason or "", "error")
                text = sample.text if grammar is not None else cut_at_stop(sample.text, stop)[0]
                error = None if finish != "error" else f"vLLM finish_reason {sample.finish_reason!r}"
                row.append(Completion(text, prompt_tokens, len(sample.token_ids), finish, seconds,
                                      grammar is not None, error))
            results[i] = row
        return results

    def close(self) -> None:
        self.llm = None
