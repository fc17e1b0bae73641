"""Every grammar in grammars/ as a decoding constraint on a tiny random model: whole samples parse with Lark."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lark
import pytest

from neurosym.llm import GrammarError, LLMError, Prompt
from neurosym.llm.constraint import GRAMMAR_NAMES, apply_bitmask, compile_grammar, matcher_accepts, shift_share
from neurosym.resources import grammar_text

GRAMMARS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "grammars").glob("*.lark"))


def parses(parser: lark.Lark, text: str) -> bool:
    try:
        parser.parse(text)
    except lark.exceptions.LarkError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("name", GRAMMARS)
def test_constrained_samples_parse(tiny_client, name: str) -> None:
    parser = lark.Lark(grammar_text(name), start="start", parser="earley")
    prompts = [Prompt("Write a program.\n", id="p1"), Prompt("x", id="p2")]
    rows = tiny_client.generate(prompts, grammar=grammar_text(name), n=6, temperature=1.0, max_tokens=120, seed=3)
    free = tiny_client.generate(prompts, n=6, temperature=1.0, max_tokens=120, seed=3)
    samples = [c for row in rows for c in row]
    assert len(rows) == 2 and all(len(row) == 6 for row in rows)
    assert all(c.constrained and c.error is None for c in samples), [c.error for c in samples]
    whole = [c for c in samples if c.finish_reason == "stop"]
    bad = [c.text for c in whole if not parses(parser, c.text) or not c.text.strip()]
    free_rate = sum(parses(parser, c.text) for row in free for c in row) / 12
    print(f"{name}: {len(whole)}/12 constrained samples ended, {len(whole) - len(bad)} parse; "
          f"unconstrained parse rate {free_rate:.0%}; {Counter(c.finish_reason for c in samples)}")
    assert bad == []
    for c in samples:  # a cut sample is a prefix the grammar still allows, never junk
        assert c.finish_reason in ("stop", "length") and c.completion_tokens <= 120


@pytest.mark.slow
@pytest.mark.parametrize("name", GRAMMAR_NAMES)
def test_wind_down_ends_samples_as_whole_sentences(winding_client, name: str) -> None:
    """With the wind-down, most samples of a random model end by themselves and every one that ends parses;
    a sample still cut says "length", and a "stop" sample is one the matcher accepts (the reason is honest)."""
    parser = lark.Lark(grammar_text(name), start="start", parser="earley")
    prompts = [Prompt("Write a program.\n", id="p1"), Prompt("x", id="p2")]
    rows = winding_client.generate(prompts, grammar=name, n=6, max_tokens=120, seed=3)
    free = winding_client.generate(prompts, n=6, max_tokens=120, seed=3)
    samples = [c for row in rows for c in row]
    ended = [c for c in samples if c.finish_reason == "stop"]
    free_rate = sum(parses(parser, c.text) for row in free for c in row) / 12
    print(f"{name}: {len(ended)}/12 ended, {sum(parses(parser, c.text) for c in samples)}/12 parse; "
          f"unconstrained {free_rate:.0%} parse")
    for c in samples:
        assert c.finish_reason == "length" or (c.finish_reason == "stop" and c.text.strip()
                                               and parses(parser, c.text)), (c.finish_reason, c.text)
    assert len(ended) >= 9, [c.text[-60:] for c in samples if c.finish_reason != "stop"]
    compiled, tokenizer = winding_client.compiled(name), winding_client.tokenizer
    for c in ended:
        assert matcher_accepts(compiled, tokenizer(c.text, add_special_tokens=False)["input_ids"])


def test_wind_down_is_off_by_default_and_checked(tiny_model_dir) -> None:
    from neurosym.llm import load_model

    assert load_model(f"transformers:{tiny_model_dir}").wind_down == 0.0
    with pytest.raises(LLMError, match="wind_down"):
        load_model(f"transformers:{tiny_model_dir}", wind_down=1.5)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_shift_share_sets_a_floor_or_cap_and_keeps_the_odds(temperature: float) -> None:
    import torch

    torch.manual_seed(0)
    logits = torch.randn(4, 50) * 3
    logits[0, 3:] = float("-inf")  # only tokens 0-2 allowed
    chosen, rows = [1, 7], [0, 1, 2, 3]

    def probs() -> torch.Tensor:
        return (logits / temperature).softmax(-1)

    before = probs()
    shift_share(logits, rows, chosen, 0.6, temperature=temperature)
    after = probs()
    assert torch.all(after[:, chosen].sum(-1) >= 0.6 - 1e-4)
    assert torch.allclose(after[1:, 1] / after[1:, 7], before[1:, 1] / before[1:, 7])  # odds inside kept
    assert torch.allclose(after[:, 0] / after[:, 2], before[:, 0] / before[:, 2])  # odds outside kept
    assert torch.all(after[0, 3:] == 0)  # the mask stays
    shift_share(logits, rows, chosen, 0.2, floor=False, temperature=temperature)
    assert torch.all(probs()[:, chosen].sum(-1) <= 0.2 + 1e-4)
    shift_share(logits, rows, chosen, 1.0, temperature=temperature)
    assert torch.all(probs()[:, chosen].sum(-1) > 1 - 1e-6)
    assert torch.isfinite(logits[1]).sum() == 2  # a floor of 1 leaves only the chosen tokens
    shift_share(logits, [1], chosen, 0.0, floor=False)  # nothing else allowed: the row is left alone
    assert torch.isfinite(logits[1]).sum() == 2
    other = torch.randn(4, 50) * 3
    kept = (other / temperature).logsumexp(-1)
    shift_share(other, [0, 2, 3], [4, 5, 6], 0.01, floor=False, temperature=temperature, totals=kept)
    shift_share(other, [0, 2, 3], [0, 9], 0.5, temperature=temperature, totals=kept)
    assert torch.allclose(kept, (other / temperature).logsumexp(-1), atol=1e-4)  # totals kept up to date
    shares = (other / temperature).softmax(-1)[[0, 2, 3]]
    assert torch.all(shares[:, [0, 9]].sum(-1) >= 0.5 - 1e-4) and torch.all(shares[:, [4, 5, 6]].sum(-1) <= 0.011)
    fresh = torch.zeros(2, 10)
    shift_share(fresh, [0], chosen, 0.0, floor=False)  # a cap of 0 forbids them
    assert torch.isfinite(fresh[0]).sum() == 8 and torch.isfinite(fresh[1]).sum() == 10


def test_every_grammar_compiles_for_a_real_tokenizer(tiny_client) -> None:
    for name in GRAMMARS:
        compiled = compile_grammar(grammar_text(name), tiny_client.ll_tokenizer())
        assert not compiled.matcher().is_error()


def test_whole_sentences_under_the_fol_grammar(tiny_client) -> None:
    rows = tiny_client.generate(["premise:"], grammar="fol", n=8, max_tokens=100, seed=1)
    assert sum(c.finish_reason == "stop" for c in rows[0]) >= 2  # the wind-down ends samples


def test_grammar_llguidance_cannot_compile_names_grammar_and_rule(tiny_client) -> None:
    bad = 'start: item+\nitem: "a" missing_rule\n'
    with pytest.raises(GrammarError, match=r"custom grammar \w+: .*missing_rule") as info:
        tiny_client.generate(["x"], grammar=bad)
    assert "line 2" in str(info.value)
    with pytest.raises(GrammarError, match="priority"):
        tiny_client.generate(["x"], grammar='start: x\nx.2: "a"\n')


def test_unknown_grammar_name(tiny_client) -> None:
    with pytest.raises(GrammarError, match="no grammar named 'klingon'"):
        tiny_client.generate(["x"], grammar="klingon")


def test_prompt_longer_than_the_context_fails_alone(tiny_client) -> None:
    long_prompt = "forall x P(x) " * 400
    rows = tiny_client.generate([long_prompt, "ok"], grammar="fol", n=2, max_tokens=8, seed=0)
    assert [c.finish_reason for c in rows[0]] == ["error", "error"]
    assert "context is 256" in rows[0][0].error
    assert all(c.finish_reason in ("stop", "length") for c in rows[1])


def test_n_zero_is_refused(tiny_client) -> None:
    with pytest.raises(LLMError, match="n must be"):
        tiny_client.generate(["x"], n=0)


def test_unconstrained_stop_strings_cut_the_text(tiny_client) -> None:
    rows = tiny_client.generate(["x"], n=4, max_tokens=40, seed=2, stop=["a", "e"])
    for c in rows[0]:
        assert "a" not in c.text and "e" not in c.text and not c.constrained


def test_seed_makes_sampling_repeatable(tiny_client) -> None:
    one = tiny_client.generate(["x"], grammar="scm", n=3, max_tokens=30, seed=11)
    two = tiny_client.generate(["x"], grammar="scm", n=3, max_tokens=30, seed=11)
    assert [c.text for c in one[0]] == [c.text for c in two[0]]


def test_bitmask_matches_a_bit_by_bit_reference() -> None:
    import torch

    torch.manual_seed(0)
    mask = torch.randint(-(2**31), 2**31 - 1, (3, 4), dtype=torch.int32)
    logits = torch.zeros(3, 130)  # wider than the mask: the tail must be forbidden
    apply_bitmask(logits, mask)
    for r in range(3):
        for t in range(130):
            allowed = t < 128 and (int(mask[r, t // 32]) >> (t % 32)) & 1
            assert (logits[r, t] == 0) == bool(allowed), (r, t)


def fol_name_regex() -> str:
    line = next(line for line in grammar_text("fol").splitlines() if line.startswith("NAME:"))
    return line.split(":", 1)[1].strip()[1:-1]


def test_fol_name_class_is_the_same_in_lark_and_llguidance(llguidance_accepts) -> None:
    """Python's re and llguidance must agree on every character of the Basic Multilingual Plane in a NAME."""
    grammar = f"start: NAME\nNAME: /{fol_name_regex()}/\n"
    pattern = re.compile(fol_name_regex())
    candidates = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c <= 0xDFFF]
    disagree = [ch for ch in candidates
                if llguidance_accepts(grammar, f"a{ch}1") != bool(pattern.fullmatch(f"a{ch}1"))]
    assert disagree == []
    assert pattern.fullmatch("Światłowód") and not pattern.fullmatch("x\u0301") and not pattern.fullmatch("x²")
