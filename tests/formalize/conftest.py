"""A tiny random-weight Llama with a context long enough for the formalizer's few-shot prompts."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_client(tmp_path_factory: pytest.TempPathFactory):
    import torch

    from neurosym.llm import load_model
    from neurosym.llm.tiny import save_tiny_model

    torch.set_num_threads(1)
    folder: Path = save_tiny_model(tmp_path_factory.mktemp("tiny-llama-long"), vocab_size=300, context=4096)
    return load_model(f"transformers:{folder}", wind_down=0.5, mask_threads=1)
