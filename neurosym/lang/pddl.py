"""PDDL: parse domain and problem files (grammars/pddl.lark) into a small typed tree and check them.

The checks run before any planner sees the files, so a mistake comes back as one error with its line and
column instead of a planner's stack trace: an undefined predicate or function, a wrong arity, an undeclared
object, constant, type or variable, a problem that names another domain, an `(and ...)` inside `:init`.
Line numbers are those of the field they are in (the domain or the problem text); the message says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import lark
from lark import v_args
from lark.visitors import Transformer_NonRecursive

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.pddl_plan import parse_plan
from neurosym.lang.syntax import line_column, parse_located
from neurosym.problem import Problem as ProblemSpec
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

MAX_NESTING = 400  # deeper parentheses are refused before any recursive pass sees them
OBJECT = "object"

SUPPORTED_REQUIREMENTS = {
    ":strips",
    ":typing",
    ":negative-preconditions",
    ":equality",
    ":disjunctive-preconditions",
    ":existential-preconditions",
    ":universal-preconditions",
    ":quantified-preconditions",
    ":conditional-effects",
    ":action-costs",
    ":adl",
}

# ---------------------------------------------------------------------------------------------- the tree

Type = tuple[str, ...]  # one type, or the members of an (either ...)


@dataclass(frozen=True)
class Atom:
    """A predicate (or function head) applied to names; variables start with '?'."""

    predicate: str
    args: tuple[str, ...]
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"({' '.join((self.predicate, *self.args))})"


@dataclass(frozen=True)
class Equals:
    left: str
    right: str
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"(= {self.left} {self.right})"


@dataclass(frozen=True)
class Not:
    body: Any

    def __str__(self) -> str:
        return f"(not {self.body})"


@dataclass(frozen=True)
class Junction:
    """and / or over goal descriptions, or `and` over effects."""

    op: str
    parts: tuple[Any, ...]

    def __str__(self) -> str:
        return f"({' '.join((self.op, *map(str, self.parts)))})"


@dataclass(frozen=True)
class Imply:
    premise: Any
    conclusion: Any

    def __str__(self) -> str:
        return f"(imply {self.premise} {self.conclusion})"


@dataclass(frozen=True)
class Quantified:
    """exists / forall in goals, forall in effects."""

    kind: str
    params: tuple[tuple[str, Type], ...]
    body: Any
    line: int | None = field(default=None, compare=False)  # of its first variable
    column: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"({self.kind} ({' '.join(name for name, _ in self.params)}) {self.body})"


@dataclass(frozen=True)
class When:
    condition: Any
    effect: Any

    def __str__(self) -> str:
        return f"(when {self.condition} {self.effect})"


@dataclass(frozen=True)
class Increase:
    head: Atom
    value: float | Atom

    def __str__(self) -> str:
        return f"(increase {self.head} {self.value})"


@dataclass
class Action:
    name: str
    params: tuple[tuple[str, Type], ...]
    precondition: Any
    effect: Any
    line: int = 0
    column: int = 0


@dataclass
class Domain:
    name: str
    requirements: tuple[str, ...] = ()
    types: dict[str, Type] = field(default_factory=dict)  # type -> its parent(s)
    constants: dict[str, Type] = field(default_factory=dict)
    predicates: dict[str, tuple[Type, ...]] = field(default_factory=dict)
    functions: dict[str, tuple[Type, ...]] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)

    def features(self) -> set[str]:
        """What the actions use beyond STRIPS: for backends that handle only part of PDDL."""
        found: set[str] = set()
        for action in self.actions.values():
            _features(action.precondition, found, in_goal=True)
            _features(action.effect, found, in_goal=False)
        if self.functions:
            found.add("action costs")
        return found


@dataclass
class PlanningProblem:
    name: str
    domain_name: str
    domain_line: int = 0
    domain_column: int = 0
    requirements: tuple[str, ...] = ()
    objects: dict[str, Type] = field(default_factory=dict)
    init: list[Atom] = field(default_factory=list)
    init_values: dict[Atom, float] = field(default_factory=dict)
    init_and: tuple[int, int] | None = None  # where an (and ...) sat inside :init, for the check
    goal: Any = None
    metric: tuple[str, Any] | None = None


def _features(node: Any, found: set[str], in_goal: bool) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Not):
            if in_goal and isinstance(item.body, Atom):
                found.add("negative preconditions")
            elif in_goal and not isinstance(item.body, Equals):
                found.add("negated formulas")
            stack.append(item.body)
        elif isinstance(item, Equals):
            found.add("equality")
        elif isinstance(item, Junction):
            if item.op == "or":
                found.add("disjunctive preconditions")
            stack.extend(item.parts)
        elif isinstance(item, Imply):
            found.add("disjunctive preconditions")
            stack.extend((item.premise, item.conclusion))
        elif isinstance(item, Quantified):
            found.add("quantifiers" if in_goal else "universal effects")
            stack.append(item.body)
        elif isinstance(item, When):
            found.add("conditional effects")
            _features(item.condition, found, in_goal=True)
            stack.append(item.effect)
        elif isinstance(item, Increase):
            found.add("action costs")


# ------------------------------------------------------------------------------------------------ parsing


def _typed(children: list[Any], default: Type = (OBJECT,)) -> tuple[tuple[Any, Type], ...]:
    """`a b - t c` -> ((a, t), (b, t), (c, object)): each annotation types the names before it."""
    out: list[tuple[Any, Type]] = []
    pending: list[Any] = []
    for child in children:
        if isinstance(child, tuple):  # a type annotation
            out.extend((name, child) for name in pending)
            pending = []
        else:
            pending.append(child)
    out.extend((name, default) for name in pending)
    return tuple(out)


class _ToTree(Transformer_NonRecursive):
    """Lark tree -> Domain / PlanningProblem. Non-recursive: deep nesting cannot overflow the stack."""

    def start(self, children: list[Any]) -> Any:
        return children[0]

    def type(self, children: list[Any]) -> Type:
        return tuple(str(c) for c in children)

    def type_annotation(self, children: list[Any]) -> Type:
        return children[0]

    def typed_names(self, children: list[Any]) -> tuple[tuple[lark.Token, Type], ...]:
        return _typed(children)

    typed_variables = typed_names

    def constant(self, children: list[Any]) -> lark.Token:
        return children[0]

    variable = constant

    def atom(self, children: list[Any]) -> Atom:
        name = children[0]
        return Atom(str(name), tuple(str(c) for c in children[1:]), name.line, name.column)

    f_head = atom

    def empty(self, _: list[Any]) -> Junction:
        return Junction("and", ())

    def gd_and(self, children: list[Any]) -> Junction:
        return Junction("and", tuple(children))

    eff_and = gd_and

    def gd_or(self, children: list[Any]) -> Junction:
        return Junction("or", tuple(children))

    def gd_not(self, children: list[Any]) -> Not:
        return Not(children[0])

    eff_not = gd_not

    def gd_imply(self, children: list[Any]) -> Imply:
        return Imply(children[0], children[1])

    def _quantified(self, kind: str, children: list[Any]) -> Quantified:
        first = children[0][0][0] if children[0] else None
        params = tuple((str(n), t) for n, t in children[0])
        return Quantified(kind, params, children[1], *_token_at(first))

    def gd_exists(self, children: list[Any]) -> Quantified:
        return self._quantified("exists", children)

    def gd_forall(self, children: list[Any]) -> Quantified:
        return self._quantified("forall", children)

    eff_forall = gd_forall

    def equality(self, children: list[Any]) -> Equals:
        return Equals(str(children[0]), str(children[1]), children[0].line, children[0].column)

    def eff_when(self, children: list[Any]) -> When:
        return When(children[0], children[1])

    def eff_increase(self, children: list[Any]) -> Increase:
        return Increase(children[0], children[1])

    def number(self, children: list[Any]) -> float:
        return float(children[0])

    # ---- domain
    def requirements(self, children: list[Any]) -> tuple[str, tuple[lark.Token, ...]]:
        return ("requirements", tuple(children))

    def types(self, children: list[Any]) -> tuple[str, Any]:
        return ("types", children[0])

    def constants(self, children: list[Any]) -> tuple[str, Any]:
        return ("constants", children[0])

    def skeleton(self, children: list[Any]) -> tuple[lark.Token, Any]:
        return (children[0], children[1])

    def predicates(self, children: list[Any]) -> tuple[str, Any]:
        return ("predicates", children)

    def functions(self, children: list[Any]) -> tuple[str, Any]:
        return (
            "functions",
            [
                c
                for c in children
                if not (isinstance(c, tuple) and isinstance(c[0], str) and not isinstance(c[0], lark.Token))
            ],
        )

    def parameters(self, children: list[Any]) -> tuple[str, Any]:
        return ("parameters", children[0])

    def precondition(self, children: list[Any]) -> tuple[str, Any]:
        return ("precondition", children[0])

    def effect_part(self, children: list[Any]) -> tuple[str, Any]:
        return ("effect", children[0])

    def action(self, children: list[Any]) -> Action:
        name = children[0]
        parts = dict(children[1:])
        params = tuple((str(n), t) for n, t in parts.get("parameters", ()))
        return Action(
            str(name),
            params,
            parts.get("precondition", Junction("and", ())),
            parts.get("effect", Junction("and", ())),
            name.line,
            name.column,
        )

    def domain(self, children: list[Any]) -> tuple[Domain, list[Any]]:
        result = Domain(str(children[0]))
        positions: list[Any] = []  # (token, what) pairs for the checks
        for item in children[1:]:
            if isinstance(item, Action):
                if item.name in result.actions:
                    _fail(f"action {item.name!r} is defined twice", item.line, item.column)
                result.actions[item.name] = item
                continue
            kind, value = item
            if kind == "requirements":
                result.requirements += tuple(str(v) for v in value)
                positions.extend((v, "requirement") for v in value)
            elif kind == "types":
                for name, parent in value:
                    result.types[str(name)] = parent
                    positions.append((name, ("type", parent)))
                for _, parent in value:  # a parent named only as a parent is a type too
                    for part in parent:
                        if part != OBJECT:
                            result.types.setdefault(part, (OBJECT,))
            elif kind == "constants":
                for name, kind_ in value:
                    result.constants[str(name)] = kind_
                    positions.append((name, ("type", kind_)))
            elif kind in ("predicates", "functions"):
                table = result.predicates if kind == "predicates" else result.functions
                for name, params in value:
                    table[str(name)] = tuple(t for _, t in params)
                    positions.extend((n, ("type", t)) for n, t in params)
        return result, positions

    # ---- problem
    def objects(self, children: list[Any]) -> tuple[str, Any]:
        return ("objects", children[0])

    def init(self, children: list[Any]) -> tuple[str, Any]:
        return ("init", children)

    def init_not(self, children: list[Any]) -> Not:
        return Not(children[0])

    def init_value(self, children: list[Any]) -> tuple[Atom, float]:
        return (children[0], float(children[1]))

    @v_args(meta=True)
    def init_and(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("and", children, meta.line, meta.column)

    def goal(self, children: list[Any]) -> tuple[str, Any]:
        return ("goal", children[0])

    def metric(self, children: list[Any]) -> tuple[str, Any]:
        return ("metric", (str(children[0]), children[1]))

    def problem(self, children: list[Any]) -> tuple[PlanningProblem, list[Any]]:
        domain_token = children[1]
        result = PlanningProblem(str(children[0]), str(domain_token), domain_token.line, domain_token.column)
        positions: list[Any] = []
        for kind, value in children[2:]:
            if kind == "requirements":
                result.requirements += tuple(str(v) for v in value)
                positions.extend((v, "requirement") for v in value)
            elif kind == "objects":
                for name, kind_ in value:
                    result.objects[str(name)] = kind_
                    positions.append((name, ("type", kind_)))
            elif kind == "init":
                self._init(value, result)
            elif kind == "goal":
                result.goal = value
            elif kind == "metric":
                result.metric = value
        return result, positions

    def _init(self, items: list[Any], result: PlanningProblem) -> None:
        for item in items:
            if isinstance(item, Atom):
                result.init.append(item)
            elif isinstance(item, tuple) and item[0] == "and":
                if result.init_and is None:
                    result.init_and = (item[2], item[3])
                self._init(item[1], result)
            elif isinstance(item, tuple):
                result.init_values[item[0]] = item[1]
            # (not p) in :init says what the closed world already says: nothing to record


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

TERMINAL_SPELLING = {
    "LPAR": "'('",
    "RPAR": "')'",
    "NAME": "a name",
    "VARIABLE": "a variable (?x)",
    "NUMBER": "a number",
    "REQUIREMENT": "a requirement (:strips ...)",
    "MINUS": "'-'",
    "EQUAL": "'='",
    "$END": "the end of the text",
    "OPTIMIZATION": "minimize or maximize",
}


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("pddl"), parser="lalr", start="start", propagate_positions=True)


def _fail(
    message: str, line: int | None = None, column: int | None = None, kind: ErrorKind = ErrorKind.TYPE
) -> NoReturn:
    raise NeurosymError(kind, message, line, column)


def _check_nesting(text: str, what: str) -> None:
    depth = 0
    for match in re.finditer(r";[^\n]*|[()]", text):
        token = match.group()
        if token == "(":
            depth += 1
            if depth > MAX_NESTING:
                line, column = line_column(text, match.start())
                _fail(f"{what}: parentheses nested deeper than {MAX_NESTING}", line, column, ErrorKind.INPUT)
        elif token == ")":
            depth -= 1


def parse(text: str, what: str = "pddl") -> Domain | PlanningProblem:
    """Parse one domain or problem text; NeurosymError(SYNTAX) with line:column and what was expected."""
    _check_nesting(text, what)
    source = text.translate(_ASCII_LOWER)
    tree = parse_located(_parser(), source, what, spellings=TERMINAL_SPELLING, comment=r";[^\n]*")
    parsed, positions = _ToTree().transform(tree)
    parsed._positions = positions  # type: ignore[union-attr]  # kept for the checks, not part of the model
    return parsed


# ------------------------------------------------------------------------------------------------- checks


def _token_at(token: Any) -> tuple[int | None, int | None]:
    return getattr(token, "line", None), getattr(token, "column", None)


def _check_types(domain: Domain, positions: list[Any], what: str) -> None:
    known = set(domain.types) | {OBJECT}
    for token, role in positions:
        if role == "requirement":
            if str(token) not in SUPPORTED_REQUIREMENTS:
                line, column = _token_at(token)
                _fail(
                    f"{what}: requirement {token} is not supported (supported: "
                    f"{', '.join(sorted(SUPPORTED_REQUIREMENTS))})",
                    line,
                    column,
                    ErrorKind.UNSUPPORTED,
                )
            continue
        for name in role[1]:
            if name not in known:
                line, column = _token_at(token)
                _fail(
                    f"{what}: type {name!r} (of {token}) is not declared in the domain's :types", line, column
                )


def check_domain(domain: Domain) -> None:
    """Raise NeurosymError(TYPE) at the first ill-formed part of the domain."""
    positions = getattr(domain, "_positions", [])
    _check_types(domain, positions, "domain")
    for action in domain.actions.values():
        for name, kind in action.params:
            for part in kind:
                if part not in domain.types and part != OBJECT:
                    _fail(
                        f"domain: action {action.name!r}: type {part!r} of {name} is not declared",
                        action.line,
                        action.column,
                    )
        scope = {name for name, _ in action.params}
        where = f"domain: action {action.name!r}"
        _check_formula(action.precondition, domain, scope, set(domain.constants), where)
        _check_effect(action.effect, domain, scope, where)


def check_problem(problem: PlanningProblem, domain: Domain) -> None:
    """Raise NeurosymError(TYPE) at the first part of the problem the domain does not define."""
    if problem.domain_name != domain.name:
        _fail(
            f"problem: it names domain {problem.domain_name!r} but the domain is {domain.name!r}",
            problem.domain_line,
            problem.domain_column,
        )
    _check_types(domain, getattr(problem, "_positions", []), "problem")
    if problem.init_and is not None:
        _fail(
            "problem: (and ...) inside :init: the initial state is a plain list of ground atoms",
            *problem.init_and,
        )
    names = set(problem.objects) | set(domain.constants)
    for atom in problem.init:
        _check_atom(atom, domain.predicates, "predicate", names, set(), "problem: :init")
    for head in problem.init_values:
        _check_atom(head, domain.functions, "function", names, set(), "problem: :init")
    if problem.goal is not None:
        _check_formula(problem.goal, domain, set(), names, "problem: :goal")
    if problem.metric is not None and isinstance(problem.metric[1], Atom):
        _check_atom(problem.metric[1], domain.functions, "function", names, set(), "problem: :metric")


def _check_atom(
    atom: Atom, table: dict[str, tuple[Type, ...]], kind: str, names: set[str], scope: set[str], where: str
) -> None:
    if atom.predicate not in table:
        known = ", ".join(sorted(table)) or "none"
        _fail(f"{where}: {kind} {atom.predicate!r} is not defined (defined: {known})", atom.line, atom.column)
    arity = len(table[atom.predicate])
    if len(atom.args) != arity:
        _fail(
            f"{where}: {kind} {atom.predicate!r} takes {arity} argument(s), {atom} gives {len(atom.args)}",
            atom.line,
            atom.column,
        )
    for arg in atom.args:
        _check_name(arg, names, scope, where, atom.line, atom.column)


def _check_name(arg: str, names: set[str], scope: set[str], where: str, line: int, column: int) -> None:
    if arg.startswith("?"):
        if arg not in scope:
            _fail(f"{where}: variable {arg} is not a parameter or a quantified variable here", line, column)
    elif arg not in names:
        _fail(f"{where}: {arg!r} is not a declared object or constant", line, column)


def _check_declared_types(item: Quantified, domain: Domain, where: str) -> None:
    for name, kind in item.params:
        for part in kind:
            if part != OBJECT and part not in domain.types:
                _fail(
                    f"{where}: type {part!r} of the quantified {name} is not declared", item.line, item.column
                )


def _check_formula(node: Any, domain: Domain, scope: set[str], names: set[str], where: str) -> None:
    stack: list[tuple[Any, set[str]]] = [(node, scope)]
    while stack:
        item, bound = stack.pop()
        if isinstance(item, Atom):
            _check_atom(item, domain.predicates, "predicate", names, bound, where)
        elif isinstance(item, Equals):
            for arg in (item.left, item.right):
                _check_name(arg, names, bound, where, item.line, item.column)
        elif isinstance(item, Not):
            stack.append((item.body, bound))
        elif isinstance(item, Junction):
            stack.extend((part, bound) for part in item.parts)
        elif isinstance(item, Imply):
            stack.extend(((item.premise, bound), (item.conclusion, bound)))
        elif isinstance(item, Quantified):
            _check_declared_types(item, domain, where)
            stack.append((item.body, bound | {name for name, _ in item.params}))


def _check_effect(node: Any, domain: Domain, scope: set[str], where: str) -> None:
    names = set(domain.constants)
    stack: list[tuple[Any, set[str]]] = [(node, scope)]
    while stack:
        item, bound = stack.pop()
        if isinstance(item, Atom):
            _check_atom(item, domain.predicates, "predicate", names, bound, where)
        elif isinstance(item, Not):
            stack.append((item.body, bound))
        elif isinstance(item, Junction):
            stack.extend((part, bound) for part in item.parts)
        elif isinstance(item, Quantified):
            _check_declared_types(item, domain, where)
            stack.append((item.body, bound | {name for name, _ in item.params}))
        elif isinstance(item, When):
            _check_formula(item.condition, domain, bound, names, where)
            stack.append((item.effect, bound))
        elif isinstance(item, Increase):
            _check_atom(item.head, domain.functions, "function", names, bound, where)
            if isinstance(item.value, Atom):
                _check_atom(item.value, domain.functions, "function", names, bound, where)


def load(domain_text: str, problem_text: str) -> tuple[Domain, PlanningProblem]:
    """Parse and check a domain and a problem; the first error found is raised with its location."""
    domain = parse(domain_text, "domain")
    if not isinstance(domain, Domain):
        _fail("the 'domain' field holds a problem, not a domain", 1, 1, ErrorKind.INPUT)
    check_domain(domain)
    problem = parse(problem_text, "problem")
    if not isinstance(problem, PlanningProblem):
        _fail("the 'problem' field holds a domain, not a problem", 1, 1, ErrorKind.INPUT)
    check_problem(problem, domain)
    return domain, problem


# ----------------------------------------------------------------------------------------------- language

VERDICTS = {"valid", "invalid", "solvable", "unsolvable"}


def _normalize_step(step: str) -> str:
    return "(" + " ".join(step.strip().strip("()").lower().split()) + ")"


DOMAIN_HEADER = re.compile(r"\(\s*define\s*\(\s*domain\b", re.IGNORECASE)
PROBLEM_DOMAIN = re.compile(r"\(\s*:domain\s+([^\s()]+)\s*\)", re.IGNORECASE)
EXPECT_COMMENT = re.compile(r"^\s*;+\s*expect\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class PddlLanguage(Language):
    """Planning problems: domain + problem, and optionally a plan to validate instead of planning."""

    name = "pddl"
    suffixes = (".pddl",)

    def problem_from_bare_file(self, text: str, path: Path) -> ProblemSpec:
        """A bare `.pddl` problem file, paired with its domain in the same folder (docs/pddl.md): the
        first of `domain.pddl`, `<file>-domain.pddl`, `domain-<file>.pddl`, `<name>-domain.pddl`,
        `<name>.pddl` (name: the problem's `(:domain name)`) that exists, else the only `*domain*.pddl`.
        `; expect: VALUE` sets the expected answer. A domain file on its own is not a problem.
        """
        if DOMAIN_HEADER.search(text):
            return ProblemSpec.broken(path.stem, f"{path} defines a domain, not a problem: solve a problem "
                                                 f"file of the same folder instead", str(path))
        named = PROBLEM_DOMAIN.search(text)
        name = named.group(1) if named else None
        folder = path.parent
        names = ["domain.pddl", f"{path.stem}-domain.pddl", f"domain-{path.stem}.pddl"]
        if name:
            names += [f"{name}-domain.pddl", f"{name}.pddl"]
        found = next((n for n in names if n != path.name and (folder / n).is_file()), None)
        if found is None:
            others = sorted(p.name for p in folder.glob("*domain*.pddl") if p.name != path.name)
            found = others[0] if len(others) == 1 else None
        if found is None:
            return ProblemSpec.broken(path.stem, f"{path}: no domain file found beside it (looked for "
                                                 f"{', '.join(names)} and a single *domain*.pddl)", str(path))
        expect = EXPECT_COMMENT.search(text)
        data: dict[str, Any] = {"id": path.stem, "language": "pddl", "domain": found, "problem": text}
        if expect:
            data["expect"] = expect.group(1)
        return ProblemSpec.from_dict(data, path.stem, source=str(path))

    def program_from_problem(self, problem: ProblemSpec) -> Program:
        fields = {"domain": require_field(problem, "domain"), "problem": require_field(problem, "problem")}
        if problem.formal.get("plan") is not None:
            plan = require_field(problem, "plan", (str, list))
            fields["plan"] = "\n".join(map(str, plan)) if isinstance(plan, list) else plan
        extra = set(problem.formal) - {"domain", "problem", "plan"}
        options = {key: problem.formal[key] for key in extra & {"optimal"}}
        unknown = extra - {"optimal"}
        if unknown:
            raise NeurosymError(
                ErrorKind.INPUT,
                f"problem {problem.id!r}: unknown pddl field(s) "
                f"{', '.join(sorted(unknown))} (expected domain, problem, plan)",
            )
        return Program("pddl", fields, options=options)

    def check(self, program: Program) -> dict[str, Any]:
        domain, problem = load(program.fields["domain"], program.fields["problem"])
        summary: dict[str, Any] = {
            "domain": domain.name,
            "problem": problem.name,
            "actions": len(domain.actions),
            "predicates": len(domain.predicates),
            "objects": len(problem.objects),
            "features": sorted(domain.features()),
        }
        if "plan" in program.fields:
            summary["plan_steps"] = len(parse_plan(program.fields["plan"]))
        return summary

    def normalize_answer(self, value: Any) -> Any:
        """A plan becomes a list of "(action args)" in lower case; verdicts and numbers pass through."""
        if isinstance(value, list | tuple):
            return [_normalize_step(str(step)) for step in value]
        if isinstance(value, bool):
            return "valid" if value else "invalid"
        if isinstance(value, str):
            text = value.strip().lower()
            if text in VERDICTS or not text.startswith("("):
                return text
            return [str(step) for step in parse_plan(text)]
        return value

    def answers_match(self, answer: Any, expected: Any) -> bool:
        """`solvable` matches any plan, a number matches a plan of that length, a plan matches itself."""
        got, want = self.normalize_answer(answer), self.normalize_answer(expected)
        if isinstance(want, int | float) and not isinstance(want, bool):
            return isinstance(got, list) and len(got) == want
        if want == "solvable":
            return isinstance(got, list)
        return got == want

    def same_verdict(self, first: Any, second: Any) -> bool:
        """Two planners agree when both found a plan (each is validated before it is an answer) or both
        gave the same verdict; two different plans for one problem are both right."""
        a, b = self.normalize_answer(first), self.normalize_answer(second)
        return (isinstance(a, list) and isinstance(b, list)) or a == b


LANGUAGE = PddlLanguage()
