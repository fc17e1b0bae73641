"""Specs, arguments and the replay client: the parts of the protocol that need no model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurosym.llm import Completion, LLMError, Prompt, load_model, parse_spec
from neurosym.llm.base import check_request


@pytest.mark.parametrize("spec", ["", "gpt-4", "hf:foo", "transformers:", "openai:model", "openai:m@ftp://x",
                                  "openai:@http://127.0.0.1:1/v1"])
def test_bad_spec_is_a_clear_error(spec: str) -> None:
    with pytest.raises(LLMError, match="spec"):
        parse_spec(spec)


def test_openai_spec_keeps_slashes_and_at_in_model_names() -> None:
    assert parse_spec("openai:org/m@v2@https://h.example/v1") == ("openai", "org/m@v2", "https://h.example/v1")


def test_missing_model_path(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="does not exist"):
        load_model(f"transformers:{tmp_path / 'no-such-model'}")


def test_unknown_option_is_named() -> None:
    with pytest.raises(LLMError, match="colour"):
        load_model("openai:m@http://127.0.0.1:9/v1", colour="red")


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_n_must_be_positive(n) -> None:
    with pytest.raises(LLMError, match="n must be"):
        check_request(["p"], n, 1.0, 10)


def test_prompts_must_be_a_list() -> None:
    with pytest.raises(LLMError, match="list"):
        check_request("one prompt", 1, 1.0, 10)


def test_vllm_missing_is_reported() -> None:
    pytest.importorskip("torch")
    try:
        import vllm  # noqa: F401
    except ImportError:
        with pytest.raises(LLMError, match="pip install 'neurosym\\[vllm\\]'"):
            load_model("vllm:/nonexistent")
    else:  # pragma: no cover - vllm is never installed in the test environment
        pytest.skip("vllm is installed here")


def write_replay(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_replay_hands_back_the_first_n(tmp_path: Path) -> None:
    path = write_replay(tmp_path / "r.jsonl", [{"id": "a", "completions": ["P(x)", "Q(x)", "R(x)"]},
                                               {"id": 7, "completions": ["foo."]}])
    client = load_model(f"replay:{path}")
    rows = client.generate([Prompt("text a", id="a"), Prompt("text 7", id="7")], n=2, grammar="fol")
    assert [c.text for c in rows[0]] == ["P(x)", "Q(x)"]
    assert all(c.finish_reason == "stop" and not c.constrained for c in rows[0])
    assert rows[1][0].text == "foo." and rows[1][1].finish_reason == "error"
    assert "1 recorded" in rows[1][1].error


def test_replay_missing_id_is_an_error_for_that_prompt_only(tmp_path: Path) -> None:
    path = write_replay(tmp_path / "r.jsonl", [{"id": "a", "completions": ["P(x)"]}])
    rows = load_model(f"replay:{path}").generate([Prompt("x", id="zzz-404"), Prompt("y", id="a")])
    assert rows[0][0].finish_reason == "error" and "zzz-404" in rows[0][0].error
    assert rows[1] == [Completion("P(x)", None, None, "stop", 0.0, False)]


def test_replay_needs_ids(tmp_path: Path) -> None:
    path = write_replay(tmp_path / "r.jsonl", [{"id": "a", "completions": ["P(x)"]}])
    with pytest.raises(LLMError, match="no problem id"):
        load_model(f"replay:{path}").generate(["plain"])


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "completions": ["x"]}\n{"id": "a"\n', r"r\.jsonl:2:\d+: not JSON"),
    ('{"id": "a", "completions": "x"}\n', "must be a list of strings"),
    ('{"id": "a", "completions": []}\n{"id": "a", "completions": []}\n', "appears twice"),
    ('["a"]\n', "needs \"id\""),
])
def test_replay_bad_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LLMError, match=message):
        load_model(f"replay:{path}")


def test_replay_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="does not exist"):
        load_model(f"replay:{tmp_path / 'none.jsonl'}")


def test_prompt_survives_pickling() -> None:
    import pickle

    p = pickle.loads(pickle.dumps(Prompt("t", id="q1")))
    assert p == "t" and p.id == "q1"
