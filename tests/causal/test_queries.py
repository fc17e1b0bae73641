"""Interventions, deterministic counterfactuals and probabilistic queries, with answers derived by hand."""

from __future__ import annotations

import pytest

from neurosym.backends.causal import answer_query
from neurosym.lang.scm import parse_program
from neurosym.result import ErrorKind, NeurosymError, Status

FIRING_SQUAD = """
exogenous U : bool = true ~ 0.7     # court order
exogenous W : bool = false ~ 0.2    # rifleman A is nervous
endogenous C := U
endogenous A := C or W
endogenous B := C
endogenous D := A or B
"""

UNCERTAIN_SQUAD = FIRING_SQUAD.replace(" = true ~", " ~").replace(" = false ~", " ~")


def ask(model: str, query: str):
    program = parse_program(model, query)
    return answer_query(program.model, program.queries[0])


def test_intervention_and_counterfactual_in_the_given_context() -> None:
    status, answer, certificate = ask(FIRING_SQUAD, "query value D do(A = false)")
    assert (status, answer) == (Status.SOLVED, True)
    assert certificate["kind"] == "intervention"
    assert "B = true (by B := C)" in certificate["derivation"]
    status, answer, _ = ask(FIRING_SQUAD, "query value D do(A = false, B = false)")  # joint intervention
    assert answer is False
    status, answer, certificate = ask(FIRING_SQUAD, "query value A")
    assert answer is True and certificate["kind"] == "prediction"


def test_abduction_pins_down_an_unknown_context() -> None:
    # U and W unknown; seeing D and not A leaves no context (A = C or W, D = A or B = C or W)...
    with pytest.raises(NeurosymError) as caught:
        ask(UNCERTAIN_SQUAD, "query value D do(A = false) given D and not A")
    assert caught.value.info.kind == ErrorKind.INPUT
    # ...seeing the prisoner alive fixes U = false, W = false; had A shot, he would be dead
    status, answer, certificate = ask(UNCERTAIN_SQUAD, "query value D do(A = true) given not D")
    assert (status, answer) == (Status.SOLVED, True)
    assert certificate["context"] == {"U": False, "W": False} and certificate["kind"] == "counterfactual"


def test_an_answer_that_depends_on_an_unknown_context_is_unknown_not_guessed() -> None:
    status, answer, certificate = ask(UNCERTAIN_SQUAD, "query value D do(A = false) given D")
    assert status == Status.UNKNOWN and answer is None
    assert {entry["value"] for entry in certificate["values"]} == {True, False}


def test_a_contradictory_observation_is_an_error_that_says_what_the_equations_give() -> None:
    with pytest.raises(NeurosymError) as caught:
        ask(FIRING_SQUAD, "query value D do(A = false) given not B")
    info = caught.value.info
    assert info.kind == ErrorKind.INPUT and "contradicts the model" in info.message
    assert "B=true" in info.message and info.line == 1


def test_probabilistic_counterfactual_under_the_priors() -> None:
    # P(D_{A=0} | D) = P(U | U or W) = 0.7 / (0.7 + 0.2 - 0.14)
    status, answer, certificate = ask(FIRING_SQUAD, "query prob D do(A = false) given D")
    assert status == Status.SOLVED and answer == pytest.approx(0.7 / 0.76)
    assert certificate["exact"] == "35/38"
    _, answer, _ = ask(FIRING_SQUAD, "query prob D")
    assert answer == pytest.approx(0.76)


def test_probabilities_of_necessity_and_sufficiency() -> None:
    model = """
    exogenous U1 : bool ~ 0.5
    exogenous U2 : bool ~ 0.3
    endogenous X := U1
    endogenous Y := X or U2
    """
    assert ask(model, "query pn(X = true, Y = true)")[1] == pytest.approx(0.7)  # P(not U2)
    assert ask(model, "query ps(X = true, Y = true)")[1] == pytest.approx(1.0)
    assert ask(model, "query pns(X = true, Y = true)")[1] == pytest.approx(0.7)


def test_evidence_of_probability_zero_is_an_error() -> None:
    with pytest.raises(NeurosymError, match="probability 0"):
        ask(FIRING_SQUAD, "query prob D given A and not C and not W")


def test_integer_and_enumerated_domains() -> None:
    model = """
    exogenous Dose : 0..10 = 7
    exogenous Kind : {pill, shot} = pill
    endogenous Level : -20..20 := if Kind = shot then Dose * 2 else Dose / 2 - 5
    endogenous Rest : 0..3 := (-7) % 3
    endogenous Safe := Level <= 3 and abs(Level) < 10
    """
    assert ask(model, "query value Level")[1] == -2
    assert ask(model, "query value Rest")[1] == 2  # Euclidean remainder, as SMT-LIB (and Z3) define it
    assert ask(model, "query value Safe do(Kind = shot)")[1] is False
    assert ask(model, "query value Level do(Dose = 3, Kind = shot)")[1] == 6


def test_an_equation_leaving_its_domain_is_an_error() -> None:
    with pytest.raises(NeurosymError, match="outside its domain"):
        ask("exogenous U : 0..5 = 5\nendogenous A : 0..5 := U + 1\n", "query value A")


def test_too_many_contexts_are_refused() -> None:
    model = "\n".join(f"exogenous U{i} : 0..99" for i in range(4)) + "\nendogenous A := U0 > U1\n"
    with pytest.raises(NeurosymError, match="contexts"):
        ask(model, "query value A")
