"""Knights and Knaves as Prolog, for the swipl backend: one variable per person, each claim checked
against its speaker's role, so the query enumerates exactly the consistent assignments."""

from __future__ import annotations

from neurosym.lang.kk import Formula


def _prolog_formula(f: Formula) -> str:
    """A Prolog goal that holds iff the formula is true, once every person variable P<i> is bound."""
    op = f[0]
    if op == "truth":
        return f"P{f[1]} == knight"
    if op == "lying":
        return f"P{f[1]} == knave"
    parts = [_prolog_formula(arg) for arg in f[1:]]
    if op == "not":
        return f"\\+ ({parts[0]})"
    if op == "and":
        return "(" + ", ".join(parts) + ")"
    if op == "or":
        return "(" + " ; ".join(parts) + ")"
    if op == "->":
        return f"(\\+ ({parts[0]}) ; {parts[1]})"
    return f"(({parts[0]}), ({parts[1]}) ; \\+ ({parts[0]}), \\+ ({parts[1]}))"  # <=>


def to_prolog(statements: list[Formula]) -> tuple[str, str]:
    """(program, query): kk(P0, ..., Pn-1) enumerates the consistent knight/knave assignments."""
    variables = ", ".join(f"P{i}" for i in range(len(statements)))
    goals = [f"role(P{i})" for i in range(len(statements))]
    for i, claim in enumerate(statements):
        body = _prolog_formula(claim)
        # \+ \+ proves the claim at most once: a disjunction true both ways must not double a solution.
        goals.append(f"( P{i} == knight -> \\+ \\+ ({body}) ; \\+ ({body}) )")
    program = "role(knight).\nrole(knave).\n" + f"kk({variables}) :-\n    " + ",\n    ".join(goals) + ".\n"
    return program, f"kk({variables})"
