"""Logic-LM logic programs on Z3's Datalog engine (Fixedpoint), one fresh context per program.

Each predicate P of arity n becomes two relations, P=true and P=false, over a finite sort of the
program's constants; a rule is a Horn clause whose variables also range over a `constant` relation (so no
rule can invent an object). The query is asked twice: with its value and with the opposite one.
"""

from __future__ import annotations

import time
from typing import Any

import z3

from neurosym.lang.base import Program
from neurosym.lang.logicprog import Literal, parse_program
from neurosym.problem import Limits
from neurosym.result import Outcome, Status


def solve(program: Program, limits: Limits) -> Outcome:
    started = time.perf_counter()
    parsed = parse_program(program.fields["program"])
    parse_seconds = time.perf_counter() - started
    literals = [*parsed.facts, parsed.query, *(lit for r in parsed.rules for lit in (*r.body, *r.head))]
    constants = sorted({a for lit in literals for a in lit.args if not a.startswith("$")})
    ctx = z3.Context()
    bits = max(1, len(constants).bit_length())
    sort = z3.BitVecSort(bits, ctx)
    values = {name: z3.BitVecVal(i, bits, ctx) for i, name in enumerate(constants)}
    fp = z3.Fixedpoint(ctx=ctx)
    fp.set("engine", "datalog")
    fp.set("timeout", max(1, int(limits.seconds * 1000)))
    relations: dict[tuple[str, int, bool], z3.FuncDeclRef] = {}
    is_constant = z3.Function("constant", sort, z3.BoolSort(ctx))
    fp.register_relation(is_constant)
    for value in values.values():
        fp.fact(is_constant(value))

    def relation(lit: Literal) -> z3.FuncDeclRef:
        key = (lit.predicate, len(lit.args), lit.value)
        if key not in relations:
            name = f"{lit.predicate}/{len(lit.args)}={lit.value}"
            relations[key] = z3.Function(name, *([sort] * len(lit.args)), z3.BoolSort(ctx))
            fp.register_relation(relations[key])
        return relations[key]

    def atom(lit: Literal, env: dict[str, z3.ExprRef]) -> z3.BoolRef:
        args = [env[a] if a.startswith("$") else values[a] for a in lit.args]
        return relation(lit)(*args) if args else relation(lit)()

    for fact in parsed.facts:
        fp.fact(atom(fact, {}))
    for rule in parsed.rules:
        names = sorted({a for lit in rule.body for a in lit.args if a.startswith("$")})
        env = {name: z3.Const(name, sort) for name in names}
        if env:
            fp.declare_var(*env.values())
        body = [atom(lit, env) for lit in rule.body] + [is_constant(v) for v in env.values()]
        for head in rule.head:
            fp.rule(atom(head, env), body)
    query = parsed.query
    opposite = Literal(query.predicate, query.args, not query.value, query.line, query.column)
    derived = {}
    for lit in (query, opposite):
        verdict = fp.query(atom(lit, {}))
        if verdict == z3.unknown:
            reason = fp.reason_unknown()
            status = Status.TIMEOUT if "timeout" in reason or "canceled" in reason else Status.UNKNOWN
            return Outcome(status, certificate={"reason_unknown": reason})
        derived[lit.value] = verdict == z3.sat
    certificate: dict[str, Any] = {"query": str(query), "derivable": {str(query): derived[query.value],
                                                                      str(opposite): derived[opposite.value]}}
    if derived[query.value] and derived[opposite.value]:
        certificate["note"] = "the program derives both the query and its negation: it is inconsistent"
        answer = "inconsistent"
    elif derived[query.value]:
        answer = "true"
    elif derived[opposite.value]:
        answer = "false"
    else:
        answer = "unknown"
    return Outcome(Status.SOLVED, answer=answer, certificate=certificate, timings={"parse": parse_seconds})
