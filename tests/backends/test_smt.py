"""SMT-LIB on Z3 and cvc5: verdicts, certificates, cross-check, located errors and refusals."""

from __future__ import annotations

import pytest

from neurosym.backends.cvc5_smt import Cvc5SmtBackend
from neurosym.backends.z3_smt import Z3SmtBackend
from neurosym.lang import Program, get_language
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Status

BACKENDS = [Z3SmtBackend, Cvc5SmtBackend]

UNSAT_CORE = """(set-logic QF_LIA)
(declare-const x Int)
(declare-const y Int)
(assert (! (> x 2) :named big))
(assert (! (< x 1) :named small))
(assert (! (= y 3) :named other))
(check-sat)
"""

PUSH_POP = """(declare-const x Int)
(push 1)
(assert (> x 2))
(assert (< x 2))
(check-sat)
(pop 1)
(assert (= x 5))
(check-sat)
(get-value (x))
"""

# Fermat for n = 3 over positive integers: no solver decides it; Z3 and cvc5 search until told to stop.
NEVER_TERMINATES = """(set-logic QF_NIA)
(declare-const x Int)
(declare-const y Int)
(declare-const z Int)
(assert (and (> x 0) (> y 0) (> z 0)))
(assert (= (+ (* x x x) (* y y y)) (* z z z)))
(check-sat)
"""


def solve(backend, script: str, seconds: float = 10.0):
    return backend().solve(Program("smt", {"script": script}), Limits(seconds=seconds))


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_unsat_core_is_the_certificate(backend) -> None:
    outcome = solve(backend, UNSAT_CORE)
    assert outcome.status == Status.SOLVED and outcome.answer == "unsat"
    assert sorted(outcome.certificate["unsat_core"]) == ["big", "small"]


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_push_pop_and_model(backend) -> None:
    outcome = solve(backend, PUSH_POP)
    assert outcome.answer == ["unsat", "sat"]
    assert "5" in outcome.certificate["model"]
    assert any(o["command"] == "get-value" and "5" in o["output"] for o in outcome.certificate["outputs"])


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_never_terminating_script_times_out_inside_the_limit(backend) -> None:
    outcome = solve(backend, NEVER_TERMINATES, seconds=1.5)
    assert outcome.status == Status.TIMEOUT
    assert "timeout" in outcome.certificate["reason_unknown"].lower()


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_solver_message_is_located_at_the_symbol(backend) -> None:
    script = "(declare-const x Int)\n(assert (> x 1))\n(assert (< x   y))\n(check-sat)\n"
    with pytest.raises(NeurosymError) as caught:
        solve(backend, script)
    assert (caught.value.info.line, caught.value.info.column) == (3, 16)
    assert "y" in caught.value.info.message and backend.name.split("-")[0] in caught.value.info.message


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_ten_thousand_declarations(backend) -> None:
    script = "".join(f"(declare-const v{i} Int)\n" for i in range(10_000))
    script += "(assert (> v0 v9999))\n(assert (> v9999 v0))\n(check-sat)\n"
    assert solve(backend, script, seconds=60).answer == "unsat"


@pytest.mark.parametrize(("script", "kind", "line", "column"), [
    ("(declare-const x Int)\n(assert (> x 1)\n(check-sat)\n", ErrorKind.SYNTAX, 2, 1),
    ("(check-sat))\n", ErrorKind.SYNTAX, 1, 12),
    ("(declare-const x Int)\n(check-sat)\n(exit)\n", ErrorKind.REFUSED, 3, 1),
    ('(set-option :regular-output-channel "out.txt")\n(check-sat)\n', ErrorKind.REFUSED, 1, 1),
    ('(set-option :diagnostic-output-channel "stderr")\n(check-sat)\n', ErrorKind.REFUSED, 1, 1),
    ('(set-option :trace-file-name "z3.log")\n(check-sat)\n', ErrorKind.REFUSED, 1, 1),
    ('(check-sat)\n(include "other.smt2")\n', ErrorKind.REFUSED, 2, 1),
    ("(declare-const x Int)\n  (frobnicate x)\n(check-sat)\n", ErrorKind.UNSUPPORTED, 2, 3),
    ("(declare-const x Int)\n", ErrorKind.INPUT, None, None),
])
def test_bad_scripts_are_refused_before_a_solver_sees_them(script, kind, line, column) -> None:
    with pytest.raises(NeurosymError) as caught:
        get_language("smt").check(Program("smt", {"script": script}))
    assert caught.value.info.kind == kind
    assert (caught.value.info.line, caught.value.info.column) == (line, column)


def test_cross_check_reports_agreement_and_disagreement(engine) -> None:
    from neurosym import Engine

    problem = {"id": "core", "language": "smt", "script": UNSAT_CORE, "expect": "unsat"}
    result = Engine(pool=engine.pool, cross_check=True).solve_many([problem])[0]
    assert result.correct is True
    assert result.certificate["cross_check"] == {"verdicts": {"z3-smt": "unsat", "cvc5": "unsat"}, "agree": True}
    language = get_language("smt")
    assert language.same_verdict("sat", "SAT") and not language.same_verdict("sat", "unsat")
    assert not language.same_verdict(["sat", "unsat"], ["sat", "sat"])


def test_bare_smt2_file(tmp_path, engine) -> None:
    from neurosym import load_problems

    path = tmp_path / "core.smt2"
    path.write_text("; expect: unsat\n" + UNSAT_CORE)
    [problem] = list(load_problems(path))
    [result] = engine.solve_many([problem])
    assert result.status == Status.SOLVED and result.correct is True
