"""Logic-LM's three program languages: parsed by grammars, solved on Z3, bad input located or refused."""

from __future__ import annotations

import doctest
import json

import pytest

import neurosym.backends.z3_dsl
import neurosym.datasets.logic_lm_programs
import neurosym.lang.csp
import neurosym.lang.logicprog
import neurosym.lang.smt
import neurosym.lang.z3dsl
from neurosym.backends.z3_logic_lm import Z3LogicLmBackend
from neurosym.datasets.logic_lm_programs import load
from neurosym.lang import Program
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Status

LOGICPROG = """Predicates:
Big($x, bool) ::: Is x big?
Red($x, bool) ::: Is x red?
Facts:
Big(Bob, True) ::: Bob is big.
Big(Ann, False)
Rules:
Big($x, True) >>> Red($x, False) ::: Big things are not red.
!Big($x, True) >>> Red($x, True)
Query:
{query}
"""

CSP = """Domain:
1: leftmost
3: rightmost
Variables:
a [IN] [1, 2, 3]
b [IN] [1, 2, 3]
c [IN] [1, 2, 3]
Constraints:
a < b ::: a left of b
abs(b - c) == 1 and c != 3
AllDifferentConstraint([a, b, c])
Query:
A) a == 2
B) c == 2
C) b == 2
"""

Z3DSL = """# Declarations
kids = EnumSort([Ann, Bo, Cy])
seats = EnumSort([1, 2, 3])
seat = Function([kids] -> [seats])

# Constraints
Distinct([k:kids], seat(k)) ::: one kid a seat
seat(Ann) < seat(Bo)  # Ann sits left of Bo
Count([k:kids], seat(k) > 1) == 2
seat(Cy) != 1

# Options
Question ::: Which must be true?
is_valid(seat(Bo) == 2) ::: (A)
is_sat(seat(Cy) == 2) ::: (B)
is_unsat(seat(Ann) == 1) ::: (C)
is_accurate_list([seat(Cy) == 3, seat(Cy) == 2]) ::: (D)
is_exception(is_valid(Exists([k:kids], seat(k) == 3))) ::: (E)
"""


def solve(language: str, text: str, seconds: float = 10.0):
    return Z3LogicLmBackend().solve(Program(language, {"program": text}), Limits(seconds=seconds))


@pytest.mark.parametrize(("query", "answer"), [
    ("Big(Bob, True)", "true"), ("Red(Bob, True)", "false"), ("Red(Ann, True)", "true"),
    ("Red(Cy, True)", "unknown"), ("!Red(Bob, True)", "true"),
])
def test_logic_program_open_world(query, answer) -> None:
    outcome = solve("logicprog", LOGICPROG.format(query=query))
    assert outcome.status == Status.SOLVED and outcome.answer == answer


def test_constraint_option_must_hold_in_every_solution() -> None:
    outcome = solve("csp", CSP)
    # c != 3 and |b - c| = 1: c = 1 forces b = 2, a = 1 (a clash); so c = 2, b = 3, a = 1: one solution
    assert outcome.answer == "B"
    assert outcome.certificate["holds_in_every_solution"] == {"A": False, "B": True, "C": False}
    assert outcome.certificate["solution"] == {"a": 1, "b": 3, "c": 2}


def test_z3_language_options() -> None:
    outcome = solve("z3dsl", Z3DSL)
    # Ann < Bo, Cy != 1, distinct seats, two kids beyond seat 1 -> Ann = 1; (Bo, Cy) in {(2,3), (3,2)}
    assert outcome.certificate["options"] == {"A": False, "B": True, "C": False, "D": True, "E": False}
    assert outcome.answer == "B,D"


@pytest.mark.parametrize(("language", "text", "kind", "line", "column"), [
    ("logicprog", "Predicates:\nBig($x, bool)\nFacts:\nBig(Bob, True\nRules:\nQuery:\nBig(Bob, True)", ErrorKind.SYNTAX,
     5, 1),
    ("logicprog", "Predicates:\nFacts:\nBig(Bob, maybe)\nRules:\nQuery:\nBig(Bob, True)", ErrorKind.TYPE, 3, 1),
    ("csp", CSP.replace("a < b", "a < d"), ErrorKind.TYPE, 9, 5),
    ("csp", CSP.replace("a < b", "a <"), ErrorKind.SYNTAX, 9, 20),
    ("z3dsl", Z3DSL.replace("seat(Cy) != 1", "ArgMin([k:kids], seat(k)) == Cy"), ErrorKind.UNSUPPORTED, 10, 1),
    ("z3dsl", Z3DSL.replace("seat(Cy) != 1", "__import__('os').system('touch /tmp/pwned')"), ErrorKind.SYNTAX,
     10, 12),
    ("z3dsl", Z3DSL.replace("is_valid(seat(Bo) == 2)", "is_min(seat(Bo))"), ErrorKind.UNSUPPORTED, 14, 1),
    ("z3dsl", Z3DSL.replace("seat(Cy) != 1", "seat(Cy) == Ann"), ErrorKind.TYPE, 10, 1),
])
def test_bad_programs_are_located(language, text, kind, line, column, tmp_path) -> None:
    with pytest.raises(NeurosymError) as caught:
        solve(language, text)
    assert caught.value.info.kind == kind, caught.value.info
    assert (caught.value.info.line, caught.value.info.column) == (line, column), caught.value.info


def test_smuggled_python_runs_nothing(tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = Z3DSL.replace("seat(Cy) != 1", f"__import__('os').system('touch {marker}')")
    with pytest.raises(NeurosymError) as caught:
        solve("z3dsl", text)
    assert caught.value.info.kind == ErrorKind.SYNTAX and not marker.exists()


def test_ten_thousand_declarations() -> None:
    names = ", ".join(f"k{i}" for i in range(10_000))
    text = f"# Declarations\nkids = EnumSort([{names}])\nbig = Function([kids] -> [bool])\n" \
           f"# Constraints\nbig(k0)\nForAll([k:kids], Implies(big(k), big(k9999)))\n# Options\n" \
           f"is_valid(big(k9999)) ::: (A)\nis_valid(Not(big(k9999))) ::: (B)\n"
    outcome = solve("z3dsl", text, seconds=60)
    assert outcome.answer == "A"


def test_program_that_never_finishes_times_out_inside_the_limit() -> None:
    text = ("# Declarations\nn = Function([bool] -> [int])\n# Constraints\n"
            "ForAll([x:int, y:int, z:int], Implies(And(x > 0, y > 0, z > 0), x*x*x + y*y*y != z*z*z))\n"
            "n(True) > 0\n# Options\nis_sat(Exists([x:int, y:int], And(x > 1, y > 1, x*x*x*y == n(True) + 9876543)))"
            " ::: (A)\n")
    outcome = solve("z3dsl", text, seconds=2)
    assert outcome.status in (Status.TIMEOUT, Status.UNKNOWN)


@pytest.mark.parametrize(("name", "language", "rows"), [
    ("ProofWriter", "logicprog", 600), ("LogicalDeduction", "csp", 299), ("AR-LSAT", "z3dsl", 230)])
def test_dataset_rows_are_recognised(data_dir, name, language, rows) -> None:
    problems = list(load(data_dir / "logic-lm" / f"{name}_dev_gpt-4.json"))
    assert len(problems) == rows
    assert {p.language for p in problems} == {language}
    assert all(p.expect for p in problems)


def test_proofwriter_rows_run(data_dir, engine) -> None:
    problems = list(load(data_dir / "logic-lm" / "ProofWriter_dev_gpt-4.json"))[:40]
    results = engine.solve_many(problems)
    assert all(r.status == Status.SOLVED for r in results)
    assert sum(bool(r.correct) for r in results) >= 38


def test_folio_unchanged(data_dir) -> None:
    problems = list(load(data_dir / "folio" / "logic-lm-gpt4-programs.json"))
    assert {p.language for p in problems} == {"fol"} and len(problems) == 204


def test_row_json_shape(tmp_path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([{"id": "r1", "answer": "A", "options": ["A) True", "B) False", "C) Unknown"],
                                 "raw_logic_programs": [LOGICPROG.format(query="Big(Bob, True)")]}]))
    [problem] = list(load(path))
    assert problem.language == "logicprog" and problem.expect == "true"


@pytest.mark.parametrize("module", [neurosym.lang.smt, neurosym.lang.logicprog, neurosym.lang.csp,
                                    neurosym.lang.z3dsl, neurosym.backends.z3_dsl,
                                    neurosym.datasets.logic_lm_programs], ids=lambda m: m.__name__)
def test_doctests(module) -> None:
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
