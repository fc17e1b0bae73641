"""The engine sends problems to its workers in chunks: every result comes back once, in order, and a
problem that runs to its time limit costs only itself, whatever chunk it shared."""

from __future__ import annotations

import pytest

from neurosym import Engine, Problem, Status, sandbox
from neurosym.engine import WORKER_INITIALIZER
from neurosym.problem import Limits
from neurosym.sandbox import WorkerPool


def _fol(i: int) -> Problem:
    conclusion, expect = [("P(a)", "true"), ("¬P(a)", "false"), ("Q(a)", "uncertain")][i % 3]
    return Problem.from_dict({"id": f"fol-{i}", "language": "fol", "premises": ["P(a)"],
                              "conclusion": conclusion, "expect": expect}, "x")


def test_a_batch_with_a_loop_comes_back_whole_and_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "CHUNK_SECONDS", 1e9)  # chunks sized by the cap, whatever the load
    problems = [_fol(i) for i in range(60)]
    # An inference budget no machine spends in a second, so the time limit is what ends the loop (with the
    # default budget a fast machine ran out of inferences first: UNKNOWN, not TIMEOUT).
    loop = Problem.from_dict({"id": "loop", "language": "prolog", "program": "loop :- loop.", "query": "loop",
                              "limits": {"seconds": 1}, "options": {"inferences": 10**12}}, "x")
    problems.insert(17, loop)
    problems.insert(40, Problem.from_dict({"id": "broken", "language": "fol", "premises": ["P(a"],
                                           "conclusion": "P(a)"}, "x"))
    engine = Engine(pool=WorkerPool(1, chunk_size=64, initializer=WORKER_INITIALIZER))
    try:
        results = engine.solve_many(problems)
    finally:
        engine.pool.close()
    assert [r.id for r in results] == [p.id for p in problems]
    by_id = {r.id: r for r in results}
    assert by_id["loop"].status == Status.TIMEOUT
    assert by_id["broken"].status == Status.ERROR and by_id["broken"].error.line == 1
    assert all(r.correct for r in results if r.id.startswith("fol-"))
    assert engine.pool.stats["chunks"] < len(problems)  # they did share chunks


def test_chunk_size_one_is_the_old_path() -> None:
    engine = Engine(workers=1, chunk_size=1, timeout=5)
    problems = [_fol(i) for i in range(6)]
    before = engine.pool.stats["chunks"]
    assert all(r.correct for r in engine.solve_many(problems))
    assert engine.pool.stats["chunks"] - before == len(problems)
    assert engine._limits(problems[0]) == Limits(seconds=5.0)
