"""On a CUDA machine: the transformers client decodes under the FOL grammar on the GPU."""

from __future__ import annotations

import lark
import pytest

from neurosym.resources import grammar_text

torch = pytest.importorskip("torch")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device: torch.cuda.is_available() is False")
def test_constrained_decoding_on_cuda(tiny_model_dir) -> None:
    from neurosym.llm import load_model

    client = load_model(f"transformers:{tiny_model_dir}", device="cuda", wind_down=0.5)
    assert client.device == "cuda"
    rows = client.generate(["x"] * 4, grammar="fol", n=10, max_tokens=100, seed=0)
    parser = lark.Lark(grammar_text("fol"), start="start", parser="earley")
    whole = [c for row in rows for c in row if c.finish_reason == "stop"]
    assert whole and all(c.constrained and c.error is None for row in rows for c in row)
    for c in whole:
        parser.parse(c.text)
