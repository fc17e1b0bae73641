"""Logic-LM's Z3 language on Z3: Z3 terms built from the parsed tree, in a fresh context per program.

Sorts follow Logic-LM's translator: an EnumSort of new names is a Z3 enumeration; an EnumSort (or IntSort)
of numbers is the integers, each function into it confined to its values; an EnumSort of names already
declared is a sub-list of that sort. ForAll / Exists / Count / Sum / Distinct over a finite sort or list
are expanded over its members (for an enumeration that is the same formula as a Z3 quantifier); over
`int` / `bool` they are Z3 quantifiers. `x in [a, b]`, `and`, `or`, `not`, `=>`, `Iff` and a
`# comment` after a statement take their evident meaning. A call of anything else is `unsupported`,
named. Options: is_valid, is_sat, is_unsat, is_accurate_list, is_exception, as Logic-LM defines them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import lark
import z3

from neurosym.lang.base import Program
from neurosym.lang.z3dsl import Declaration, parse_program, unwrap
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

MAX_INSTANCES = 2_000_000  # ground instances one program may expand to before it is refused
OPTION_CHECKS = ("is_valid", "is_sat", "is_unsat", "is_accurate_list", "is_exception")
BUILTINS = frozenset({"ForAll", "Exists", "Count", "Sum", "Distinct", "And", "Or", "Not", "Implies", "Xor", "Iff",
                      "If", "Abs", *OPTION_CHECKS})
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "%": lambda a, b: a % b}


@dataclass
class SortInfo:
    """A declared sort or list: its Z3 sort, and its members when it is finite."""

    sort: z3.SortRef
    members: list[z3.ExprRef] | None
    complete: bool = False  # the members are every value of the sort (an enumeration)


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


class Builder:
    """Z3 terms for one program. Raises NeurosymError located at the offending node."""

    def __init__(self, declarations: tuple[Declaration, ...]):
        self.ctx = z3.Context()
        self.sorts: dict[str, SortInfo] = {"int": SortInfo(z3.IntSort(self.ctx), None),
                                           "bool": SortInfo(z3.BoolSort(self.ctx), None),
                                           "real": SortInfo(z3.RealSort(self.ctx), None)}
        self.constants: dict[str, z3.ExprRef] = {"True": z3.BoolVal(True, self.ctx),
                                                 "False": z3.BoolVal(False, self.ctx)}
        self.functions: dict[str, tuple[z3.FuncDeclRef, list[SortInfo], SortInfo]] = {}
        self.range_constraints: list[z3.BoolRef] = []
        self.instances = 0
        for declaration in declarations:
            self.declare(declaration)

    # ------------------------------------------------------------------ declarations
    def number(self, text: str) -> z3.ExprRef:
        if "." in text:
            return z3.RealVal(Fraction(text), self.ctx)
        return z3.IntVal(int(text), self.ctx)

    def declare(self, d: Declaration) -> None:
        where = (d.line, d.column)
        if d.name in self.sorts or d.name in self.functions:
            raise NeurosymError(ErrorKind.TYPE, f"{d.name} is declared twice", *where)
        if d.kind in ("enum_sort", "int_sort"):
            if d.items and all(_is_number(v) for v in d.items):
                members = [self.number(v) for v in d.items]
                real = any("." in v for v in d.items)
                self.sorts[d.name] = SortInfo(z3.RealSort(self.ctx) if real else z3.IntSort(self.ctx), members)
            elif d.kind == "int_sort":
                members = [z3.Int(v, self.ctx) for v in d.items]
                self.constants.update(zip(d.items, members, strict=True))
                self.sorts[d.name] = SortInfo(z3.IntSort(self.ctx), members)
            elif d.items and all(v in self.constants for v in d.items):
                members = [self.constants[v] for v in d.items]
                if len({m.sort() for m in members}) != 1:
                    raise NeurosymError(ErrorKind.TYPE, f"{d.name} mixes members of different sorts", *where)
                self.sorts[d.name] = SortInfo(members[0].sort(), members)
            else:
                clash = [v for v in d.items if v in self.constants or _is_number(v)]
                if clash or not d.items:
                    what = f"it mixes new names with {clash[0]}" if clash else "it is empty"
                    raise NeurosymError(ErrorKind.TYPE, f"EnumSort {d.name}: {what}", *where)
                sort, members = z3.EnumSort(d.name, list(d.items), ctx=self.ctx)
                self.constants.update(zip(d.items, members, strict=True))
                self.sorts[d.name] = SortInfo(sort, list(members), complete=True)
            return
        args, result = d.items[:-1], d.items[-1]
        infos = [self.sort_info(name, d) for name in args]
        range_info = self.sort_info(result, d)
        function = z3.Function(d.name, *[i.sort for i in infos], range_info.sort)
        self.functions[d.name] = (function, infos, range_info)
        if range_info.members is not None and not range_info.complete:
            binders = [(f"#{i}", info) for i, info in enumerate(infos)]
            self.range_constraints.append(self.quantify("ForAll", binders, {}, lambda env: z3.Or(
                [function(*[env[f"#{i}"] for i in range(len(infos))]) == m for m in range_info.members]), d))

    def sort_info(self, name: str, d: Declaration) -> SortInfo:
        if name not in self.sorts:
            raise NeurosymError(ErrorKind.TYPE, f"{d.name}: {name} is not a declared sort", d.line, d.column)
        return self.sorts[name]

    # ------------------------------------------------------------------ binders
    def quantify(self, kind: str, binders: list[tuple[str, SortInfo]], env: dict[str, Any],
                 body: Callable[[dict[str, Any]], Any], node: Any) -> Any:
        """ForAll / Exists over the binders: finite ones expanded, int / bool ones as Z3 quantifiers."""
        finite = [(n, i) for n, i in binders if i.members is not None]
        infinite = [(n, i) for n, i in binders if i.members is None]
        bound = {n: z3.Const(f"{n}!{id(node)}", i.sort) for n, i in infinite}
        parts = []
        for combo in self.combinations(finite, node):
            inner = {**env, **bound, **dict(zip([n for n, _ in finite], combo, strict=True))}
            parts.append(body(inner))
        formula = z3.And(parts) if kind == "ForAll" else z3.Or(parts)
        if len(parts) == 1:
            formula = parts[0]
        if infinite:
            quantifier = z3.ForAll if kind == "ForAll" else z3.Exists
            formula = quantifier(list(bound.values()), formula)
        return formula

    def combinations(self, finite: list[tuple[str, SortInfo]], node: Any) -> list[tuple[Any, ...]]:
        combos = list(itertools.product(*[info.members for _, info in finite]))
        self.instances += len(combos)
        if self.instances > MAX_INSTANCES:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"the program expands to more than {MAX_INSTANCES} "
                                                       f"ground instances", *_where(node))
        return combos

    def binders(self, node: lark.Tree) -> list[tuple[str, SortInfo]]:
        result = []
        for binder in node.children:
            variable, sort = (str(t) for t in binder.children)
            if sort not in self.sorts:
                raise NeurosymError(ErrorKind.TYPE, f"{variable}:{sort}: {sort} is not a declared sort or list",
                                    *_where(binder))
            result.append((variable, self.sorts[sort]))
        return result

    # ------------------------------------------------------------------ expressions
    def expr(self, node: Any, env: dict[str, Any]) -> Any:
        kind = node.data
        kids = node.children
        if kind == "name":
            name = str(kids[0])
            if name in env:
                return env[name]
            if name in self.constants:
                return self.constants[name]
            if name in self.sorts and self.sorts[name].members is not None:
                return list(self.sorts[name].members)
            raise NeurosymError(ErrorKind.TYPE, f"{name} is not declared", *_where(node))
        if kind == "number":
            return self.number(str(kids[0]))
        if kind == "string":
            name = str(kids[0])[1:-1]
            if name not in self.constants:
                raise NeurosymError(ErrorKind.TYPE, f"{kids[0]!s} is not a declared value", *_where(node))
            return self.constants[name]
        if kind == "list":
            return [self.expr(k, env) for k in kids if k is not None]
        if kind == "neg":
            return -self.expr(kids[0], env)
        if kind in ("sum", "product"):
            result = self.arith(self.expr(kids[0], env))
            for op, operand in zip(kids[1::2], kids[2::2], strict=True):
                result = ARITHMETIC[str(op)](result, self.arith(self.expr(operand, env)))
            return result
        if kind == "comparison":
            terms = [self.expr(k, env) for k in kids[0::2]]
            ops = [str(k) for k in kids[1::2]]
            parts = []
            for i, op in enumerate(ops):
                left, right = terms[i], terms[i + 1]
                if op == "in" or op.startswith("not"):
                    members = right if isinstance(right, list) else [right]
                    member = z3.Or([left == m for m in members])
                    parts.append(member if op == "in" else z3.Not(member))
                else:
                    parts.append(COMPARE[op](left, right))
            return parts[0] if len(parts) == 1 else z3.And(parts)
        if kind in ("and_op", "or_op"):
            parts = [self.expr(k, env) for k in kids]
            if len(parts) == 1:
                return parts[0]
            return z3.And(parts) if kind == "and_op" else z3.Or(parts)
        if kind == "not_op":
            return z3.Not(self.expr(kids[0], env))
        if kind == "implies_op":
            if len(kids) == 1 or kids[1] is None:
                return self.expr(kids[0], env)
            return z3.Implies(self.expr(kids[0], env), self.expr(kids[1], env))
        if kind == "call":
            return self.call(node, env)
        if kind == "binders":
            raise NeurosymError(ErrorKind.TYPE, "a [variable:sort] list outside ForAll, Exists, Count, Sum or "
                                                "Distinct", *_where(node))
        raise NeurosymError(ErrorKind.INTERNAL, f"no Z3 translation for {kind}", *_where(node))

    def arith(self, value: Any) -> Any:
        return z3.If(value, 1, 0) if z3.is_bool(value) else value

    def call(self, node: lark.Tree, env: dict[str, Any]) -> Any:
        name_token, *args = node.children
        args = [a for a in args if a is not None]
        name = str(name_token)
        if name in self.functions:
            function, infos, _ = self.functions[name]
            values = [self.expr(a, env) for a in args]
            if len(values) != len(infos):
                raise NeurosymError(ErrorKind.TYPE, f"{name} takes {len(infos)} argument(s), given {len(values)}",
                                    *_where(node))
            return function(*values)
        if name not in BUILTINS:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"{name}(...) is not a construct of the Z3 language neurosym "
                                                       f"knows", *_where(node))
        if name in ("ForAll", "Exists", "Count", "Sum", "Distinct") and args and args[0].data == "binders":
            if len(args) != 2:
                raise NeurosymError(ErrorKind.TYPE, f"{name}([x:sort], body) takes two arguments", *_where(node))
            binders = self.binders(args[0])
            body = args[1]
            if name in ("ForAll", "Exists"):
                return self.quantify(name, binders, env, lambda inner: self.expr(body, inner), node)
            if any(info.members is None for _, info in binders):
                raise NeurosymError(ErrorKind.UNSUPPORTED, f"{name} over an infinite sort (int, bool)",
                                    *_where(node))
            names = [n for n, _ in binders]
            values = [self.expr(body, {**env, **dict(zip(names, combo, strict=True))})
                      for combo in self.combinations(binders, node)]
            if name == "Distinct":
                return z3.Distinct(values) if len(values) > 1 else z3.BoolVal(True, self.ctx)
            return z3.Sum([self.arith(v) for v in values]) if values else z3.IntVal(0, self.ctx)
        values = [self.expr(a, env) for a in args]
        flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
        if name in ("And", "Or"):
            if not flat:
                return z3.BoolVal(name == "And", self.ctx)
            return (z3.And if name == "And" else z3.Or)(flat)
        if name == "Distinct":
            return z3.Distinct(flat) if len(flat) > 1 else z3.BoolVal(True, self.ctx)
        if name in ("Sum", "Count") and flat:
            return z3.Sum([self.arith(v) for v in flat])
        fixed = {"Not": 1, "Implies": 2, "Xor": 2, "Iff": 2, "If": 3, "Abs": 1}
        if name in fixed:
            if len(values) != fixed[name]:
                raise NeurosymError(ErrorKind.TYPE, f"{name} takes {fixed[name]} argument(s), given {len(values)}",
                                    *_where(node))
            if name == "Abs":
                return z3.If(values[0] >= 0, values[0], -values[0])
            if name == "Iff":
                return values[0] == values[1]
            return {"Not": z3.Not, "Implies": z3.Implies, "Xor": z3.Xor, "If": z3.If}[name](*values)
        if name in OPTION_CHECKS:
            raise NeurosymError(ErrorKind.TYPE, f"{name} may only stand at the top of an option", *_where(node))
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"{name}(...) is not a construct of the Z3 language neurosym "
                                                   f"knows", *_where(node))

    def statement(self, node: lark.Tree) -> z3.BoolRef:
        """A whole constraint; Z3's own complaints (a sort clash) become TYPE errors at its line."""
        try:
            value = self.expr(node, {})
        except z3.Z3Exception as exc:
            raise NeurosymError(ErrorKind.TYPE, f"Z3 rejects it: {_z3_message(exc)}", *_where(node)) from None
        except (TypeError, AttributeError, ValueError) as exc:
            raise NeurosymError(ErrorKind.TYPE, f"ill-formed: {exc}", *_where(node)) from None
        if not z3.is_bool(value):
            raise NeurosymError(ErrorKind.TYPE, "a constraint must be true or false, not a value", *_where(node))
        return value


def _where(node: Any) -> tuple[int | None, int | None]:
    meta = getattr(node, "meta", None)
    if meta is not None and not meta.empty:
        return meta.line, meta.column
    if isinstance(node, lark.Token):
        return node.line, node.column
    return None, None


def _z3_message(exc: z3.Z3Exception) -> str:
    value = exc.value
    return value.decode() if isinstance(value, bytes) else str(value)


class _Checker:
    """Logic-LM's option checks, each a satisfiability question over the constraints."""

    def __init__(self, builder: Builder, constraints: list[z3.BoolRef], deadline: float):
        self.builder = builder
        self.solver = z3.Solver(ctx=builder.ctx)
        self.solver.add(constraints)
        self.deadline = deadline
        self.unknown: str | None = None

    def satisfiable(self, formula: z3.BoolRef) -> bool:
        self.solver.push()
        self.solver.add(formula)
        self.solver.set("timeout", max(1, int((self.deadline - time.monotonic()) * 1000)))
        verdict = self.solver.check()
        if verdict == z3.unknown:
            self.unknown = self.solver.reason_unknown()
        self.solver.pop()
        return verdict == z3.sat

    def option(self, node: lark.Tree) -> bool:
        if node.data != "call" or str(node.children[0]) not in OPTION_CHECKS:
            what = str(node.children[0]) if node.data == "call" else "an expression"
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"an option must be one of {', '.join(OPTION_CHECKS)}; "
                                                       f"found {what}", *_where(node))
        name = str(node.children[0])
        args = [a for a in node.children[1:] if a is not None]
        if len(args) != 1:
            raise NeurosymError(ErrorKind.TYPE, f"{name} takes one argument", *_where(node))
        if name == "is_exception":
            return not self.option(unwrap(args[0]))
        if name == "is_accurate_list":
            if unwrap(args[0]).data != "list":
                raise NeurosymError(ErrorKind.TYPE, "is_accurate_list takes a [list] of conditions", *_where(node))
            items = [self.builder.statement(k) for k in unwrap(args[0]).children if k is not None]
            return (not self.satisfiable(z3.Not(z3.Or(items)))) and all(self.satisfiable(i) for i in items)
        formula = self.builder.statement(args[0])
        if name == "is_valid":
            return not self.satisfiable(z3.Not(formula))
        held = self.satisfiable(formula)
        return held if name == "is_sat" else (not held and self.unknown is None)


def solve(program: Program, limits: Limits) -> Outcome:
    started = time.perf_counter()
    deadline = time.monotonic() + limits.seconds
    parsed = parse_program(program.fields["program"])
    builder = Builder(parsed.declarations)
    constraints = [*builder.range_constraints, *(builder.statement(c) for c in parsed.constraints)]
    checker = _Checker(builder, constraints, deadline)
    build_seconds = time.perf_counter() - started
    consistent = checker.satisfiable(z3.BoolVal(True, builder.ctx))
    held: dict[str, bool] = {}
    for letter, node in parsed.options:
        held[letter] = checker.option(node)
        if checker.unknown is not None:
            status = Status.TIMEOUT if "timeout" in checker.unknown or "canceled" in checker.unknown \
                else Status.UNKNOWN
            return Outcome(status, certificate={"reason_unknown": checker.unknown, "option": letter})
    chosen = [letter for letter, ok in held.items() if ok]
    certificate: dict[str, Any] = {"options": held}
    if not consistent:
        certificate["note"] = "the constraints are unsatisfiable"
    elif len(chosen) > 1:
        certificate["note"] = "several options pass their check"
    return Outcome(Status.SOLVED, answer=",".join(chosen) if chosen else "none", certificate=certificate,
                   timings={"build": build_seconds})
