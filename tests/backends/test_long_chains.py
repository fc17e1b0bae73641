"""Flat chains of thousands of links (no brackets) on Z3 and E: no recursion limit, no prover crash."""

from __future__ import annotations

import random

import pytest

from neurosym.backends import backend_class
from neurosym.engine import run_backend
from neurosym.lang.base import Program
from neurosym.lang.fol import parse_program
from neurosym.lang.tptp import problem_to_tptp
from neurosym.problem import Limits
from neurosym.result import Status

SYMBOL = {"implies": " → ", "and": " ∧ ", "or": " ∨ ", "xor": " ⊕ ", "iff": " ↔ "}


def chain_program(op: str, links: int) -> Program:
    """A chain Q0(a) op Q1(a) op … whose premises force Q<last>(a): the answer is `true` for every op."""
    chain = SYMBOL[op].join(f"Q{i}(a)" for i in range(links))
    side = [f"¬Q{i}(a)" if op in ("or", "xor") else f"Q{i}(a)" for i in range(links - 1)]
    premises = [chain] if op == "and" else [chain, *side]
    return Program("fol", {"premises": premises, "conclusion": f"Q{links - 1}(a)"})


def bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("op", list(SYMBOL))
def test_tptp_of_a_long_chain_is_shallow(op: str) -> None:
    text = problem_to_tptp(parse_program(chain_program(op, 5000)))
    assert bracket_depth(text) < 40


@pytest.mark.slow
@pytest.mark.parametrize("op", list(SYMBOL))
def test_z3_decides_a_chain_of_3000_links(op: str) -> None:
    outcome = run_backend(["z3"], chain_program(op, 3000), Limits(seconds=60))
    assert (outcome.status, outcome.answer, outcome.backend) == (Status.SOLVED, "true", "z3")


@pytest.mark.slow
@pytest.mark.parametrize(("op", "links"), [("implies", 5000), ("and", 5000), ("or", 5000), ("iff", 3000),
                                           ("xor", 3000)])
def test_e_decides_long_chains(op: str, links: int) -> None:
    if not backend_class("eprover").available():
        pytest.skip("the E prover is not installed")
    outcome = run_backend(["eprover"], chain_program(op, links), Limits(seconds=60))
    assert (outcome.status, outcome.answer, outcome.backend) == (Status.SOLVED, "true", "eprover")


@pytest.mark.parametrize("op", ["xor", "iff"])
@pytest.mark.parametrize("links", [49, 50, 97, 98])
def test_long_parity_chains_keep_their_meaning_on_e_and_z3(op: str, links: int) -> None:
    """Long ⊕ and ↔ chains reach E renamed in groups and (⊕) rewritten as a ↔-chain: seeded random facts
    fix every link but the last, and both provers must find the last link's value that parity gives."""
    if not backend_class("eprover").available():
        pytest.skip("the E prover is not installed")
    rng = random.Random(links)
    values = [rng.random() < 0.5 for _ in range(links - 1)]
    ones = sum(values)
    # A ⊕-chain is true when the parity of all links is 1. A ↔-chain of n links is that parity ⊕ (n - 1),
    # so it is true when the parity is n % 2.
    wanted_parity = 1 if op == "xor" else links % 2
    last = (wanted_parity - ones) % 2 == 1
    facts = [f"Q{i}(a)" if value else f"¬Q{i}(a)" for i, value in enumerate(values)]
    program = Program("fol", {"premises": [SYMBOL[op].join(f"Q{i}(a)" for i in range(links)), *facts],
                              "conclusion": f"Q{links - 1}(a)"})
    expected = "true" if last else "false"
    for backend in ("eprover", "z3"):
        outcome = run_backend([backend], program, Limits(seconds=60))
        assert (outcome.status, outcome.answer) == (Status.SOLVED, expected), (backend, outcome)
