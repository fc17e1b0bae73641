"""Flat chains of thousands of links (no brackets) on Z3 and E: no recursion limit, no prover crash."""

from __future__ import annotations

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
@pytest.mark.parametrize(("op", "links"), [("implies", 5000), ("and", 5000), ("iff", 300), ("or", 300)])
def test_e_decides_long_chains(op: str, links: int) -> None:
    if not backend_class("eprover").available():
        pytest.skip("the E prover is not installed")
    outcome = run_backend(["eprover"], chain_program(op, links), Limits(seconds=60))
    assert (outcome.status, outcome.answer, outcome.backend) == (Status.SOLVED, "true", "eprover")
