"""The FOL grammar and checks: FOLIO's, ASCII and NLTK spellings, precedence, located errors."""

from __future__ import annotations

import pytest

from neurosym.lang.fol import (
    MAX_NESTING,
    Atom,
    Connective,
    Equal,
    Not,
    Quantified,
    Term,
    check_formulas,
    parse_formula,
)
from neurosym.result import ErrorKind, NeurosymError

P_A = Atom("P", (Term("a"),))


def parse_error(text: str) -> NeurosymError:
    with pytest.raises(NeurosymError) as caught:
        formula = parse_formula(text)
        check_formulas([(formula, 1, "formula")], [text])
    return caught.value


@pytest.mark.parametrize("text", ["∀x (P(x) → Q(x))", "forall x (P(x) -> Q(x))", "all x.(P(x) -> Q(x))",
                                  "! x (P(x) => Q(x))".replace("! x", "forall x")])
def test_three_spellings_give_one_tree(text: str) -> None:
    x = (Term("x"),)
    assert parse_formula(text) == Quantified("forall", ("x",), Connective("implies", (Atom("P", x), Atom("Q", x))))


def test_negation_spellings() -> None:
    for text in ["¬P(a)", "~P(a)", "!P(a)", "-P(a)"]:
        assert parse_formula(text) == Not(P_A)


def test_precedence_not_and_or_xor_implies_iff() -> None:
    tree = parse_formula("¬A ∧ B ∨ C ⊕ D → E ↔ F")
    a, b, c, d, e, f = (Atom(n) for n in "ABCDEF")
    expected = Connective("iff", (Connective("implies", (
        Connective("xor", (Connective("or", (Connective("and", (Not(a), b)), c)), d)), e)), f))
    assert tree == expected


def test_implication_is_right_associative_and_xor_chains_flat() -> None:
    a, b, c = (Atom(n) for n in "ABC")
    assert parse_formula("A → B → C") == Connective("implies", (a, Connective("implies", (b, c))))
    assert parse_formula("A ⊕ B ⊕ C") == Connective("xor", (a, b, c))


def test_quantifier_scope_extends_right() -> None:
    tree = parse_formula("∀x P(x) → Q(x)")
    assert isinstance(tree, Quantified) and isinstance(tree.body, Connective)


def test_folio_names() -> None:
    for text in ["GrowthCompanies’Stocks(x)", "LostToIgaŚwiątek(x)", "ValuedAt(yale, y42.3billion)",
                 "2022WorldCup(x)", "Created(x, y, z)"]:
        assert isinstance(parse_formula(text), Atom)
    assert parse_formula("ValuedAt(yale, y42.3billion)").args[1] == Term("y42.3billion")


def test_equality_and_inequality() -> None:
    assert parse_formula("a = b") == Equal(Term("a"), Term("b"))
    assert parse_formula("a ≠ b") == parse_formula("a != b") == Not(Equal(Term("a"), Term("b")))


def test_double_left_bracket_error_is_located() -> None:
    error = parse_error("(Spill(peter) ∧ OnlyChild(peter)) ∨ ¬Spill(peter) ∧ ¬OnlyChild(peter))")
    assert error.info.kind == ErrorKind.SYNTAX
    assert (error.info.line, error.info.column) == (1, 70)
    assert "unexpected ')'" in error.info.message


def test_unknown_connective_names_the_character() -> None:
    error = parse_error("P(a) ⇒ Q(a)")
    assert error.info.kind == ErrorKind.SYNTAX and "'⇒'" in error.info.message and error.info.column == 6
    assert "→" in error.info.message  # says what was expected


def test_unclosed_formula_says_what_is_expected() -> None:
    error = parse_error("∀x (P(x)")
    assert error.info.column == 4 and "'(' not closed" in error.info.message


def test_arity_clash() -> None:
    formula = parse_formula("P(a) ∧ P(a, b)")
    with pytest.raises(NeurosymError) as caught:
        check_formulas([(formula, 1, "premise 1")], ["P(a) ∧ P(a, b)"])
    assert caught.value.info.kind == ErrorKind.TYPE and "2 argument(s)" in caught.value.info.message


def test_predicate_used_as_term() -> None:
    formulas = [(parse_formula("Dog(rex)"), 1, "premise 1"), (parse_formula("Likes(rex, Dog)"), 2, "premise 2")]
    with pytest.raises(NeurosymError) as caught:
        check_formulas(formulas)
    assert caught.value.info.kind == ErrorKind.TYPE and "'Dog' is used as a term" in caught.value.info.message
    assert caught.value.info.line == 2


def test_unbound_variable_is_located() -> None:
    text = "∀x (BornIn(x, y) → American(x))"
    with pytest.raises(NeurosymError) as caught:
        check_formulas([(parse_formula(text), 4, "premise 4")], [text])
    info = caught.value.info
    assert info.kind == ErrorKind.TYPE and "'y'" in info.message and (info.line, info.column) == (4, 15)


def test_year_constants_are_not_variables() -> None:
    signature = check_formulas([(parse_formula("Born(ann, y1995)"), 1, "premise 1")])
    assert signature.constants == {"ann", "y1995"}


def test_nesting_ten_thousand_deep_is_refused_cleanly() -> None:
    for text in ["(" * 10_000 + "P" + ")" * 10_000, "¬" * 10_000 + "P"]:
        error = parse_error(text)
        assert error.info.kind == ErrorKind.INPUT and f"limit is {MAX_NESTING}" in error.info.message


def test_nesting_at_the_limit_still_parses() -> None:
    assert parse_formula("(" * 150 + "P" + ")" * 150) == Atom("P")
