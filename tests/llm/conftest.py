"""A tiny random-weight Llama and a byte-level BPE tokenizer trained here (no download), saved once per run."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from neurosym.llm.tiny import save_tiny_model

    torch.set_num_threads(1)  # a 64-wide model gains nothing from threads on a shared 2-core machine
    return save_tiny_model(tmp_path_factory.mktemp("tiny-llama"), vocab_size=300, context=256)


@pytest.fixture(scope="session")
def tiny_client(tiny_model_dir: Path):
    from neurosym.llm import load_model

    return load_model(f"transformers:{tiny_model_dir}", wind_down=0.5, mask_threads=1)


@pytest.fixture(scope="session")
def winding_client(tiny_model_dir: Path):
    """The same model with the wind-down on over the last half of each sample's budget."""
    from neurosym.llm import load_model

    return load_model(f"transformers:{tiny_model_dir}", wind_down=0.5, mask_threads=1)
