"""Replay a plan and say why it fails: the first failing step and its unmet precondition, or the goals left.

Semantics are PDDL's: an action's precondition is evaluated in the state before it; effects (conditional
ones included, with their conditions read in that same state) delete first and add after; `increase` adds
to a numeric fluent such as `total-cost`. The state is a set of ground atoms `(predicate, arg, ...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from neurosym.lang.pddl import (
    OBJECT,
    Atom,
    Domain,
    Equals,
    Imply,
    Increase,
    Junction,
    Not,
    PlanningProblem,
    Quantified,
    Type,
    When,
)
from neurosym.lang.pddl_plan import PlanStep

Fact = tuple[str, ...]
Binding = dict[str, str]


@dataclass
class Verdict:
    """The validator's answer; `certificate()` is what a Result carries."""

    valid: bool
    plan_length: int
    cost: float | None = None
    failed_step: int | None = None  # 1-based; None when every step applied and only goals were left unmet
    step: str | None = None
    reason: str | None = None
    unmet_precondition: str | None = None
    unmet_goals: list[str] = field(default_factory=list)

    @property
    def answer(self) -> str:
        return "valid" if self.valid else "invalid"

    def certificate(self) -> dict[str, Any]:
        out: dict[str, Any] = {"plan_length": self.plan_length, "cost": self.cost, "validated": self.valid}
        if not self.valid:
            out.update(
                {
                    "failed_step": self.failed_step,
                    "step": self.step,
                    "reason": self.reason,
                    "unmet_precondition": self.unmet_precondition,
                    "unmet_goals": self.unmet_goals,
                }
            )
        return out


def _render(node: Any, binding: Binding) -> str:
    """A formula as PDDL text with the binding's variables replaced by objects."""
    if isinstance(node, Atom):
        return f"({' '.join((node.predicate, *(binding.get(a, a) for a in node.args)))})"
    if isinstance(node, Equals):
        return f"(= {binding.get(node.left, node.left)} {binding.get(node.right, node.right)})"
    if isinstance(node, Not):
        return f"(not {_render(node.body, binding)})"
    if isinstance(node, Junction):
        return f"({' '.join((node.op, *(_render(p, binding) for p in node.parts)))})"
    if isinstance(node, Imply):
        return f"(imply {_render(node.premise, binding)} {_render(node.conclusion, binding)})"
    if isinstance(node, Quantified):
        inner = {k: v for k, v in binding.items() if k not in {name for name, _ in node.params}}
        return f"({node.kind} ({' '.join(n for n, _ in node.params)}) {_render(node.body, inner)})"
    return str(node)


class Validator:
    """Validates plans for one domain and problem; reuse it for many plans of the same problem."""

    def __init__(self, domain: Domain, problem: PlanningProblem):
        self.domain = domain
        self.problem = problem
        self.objects: dict[str, Type] = {**domain.constants, **problem.objects}
        self.initial: frozenset[Fact] = frozenset((a.predicate, *a.args) for a in problem.init)
        self.initial_values: dict[Fact, float] = {
            (h.predicate, *h.args): v for h, v in problem.init_values.items()
        }
        self._ancestors: dict[str, frozenset[str]] = {}
        self._of_type: dict[Type, list[str]] = {}
        self.costed = "total-cost" in domain.functions

    # ---- types
    def ancestors(self, kind: str) -> frozenset[str]:
        """A type and every type above it (object included)."""
        found = self._ancestors.get(kind)
        if found is None:
            seen, todo = {kind, OBJECT}, [kind]
            while todo:
                for parent in self.domain.types.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._ancestors[kind] = frozenset(seen)
        return found

    def is_a(self, obj: str, kind: Type) -> bool:
        return any(self.ancestors(own) & set(kind) for own in self.objects.get(obj, ()))

    def of_type(self, kind: Type) -> list[str]:
        found = self._of_type.get(kind)
        if found is None:
            found = self._of_type[kind] = [o for o in self.objects if self.is_a(o, kind)]
        return found

    def _bindings(self, params: tuple[tuple[str, Type], ...], binding: Binding) -> Iterator[Binding]:
        names = [name for name, _ in params]
        for values in product(*(self.of_type(kind) for _, kind in params)):
            yield {**binding, **dict(zip(names, values, strict=True))}

    # ---- formulas
    def failure(self, node: Any, binding: Binding, state: frozenset[Fact] | set[Fact]) -> str | None:
        """None if the formula holds in the state, else the smallest part of it that does not (as text)."""
        if isinstance(node, Atom):
            fact = (node.predicate, *(binding.get(a, a) for a in node.args))
            return None if fact in state else _render(node, binding)
        if isinstance(node, Junction):
            if node.op == "and":
                for part in node.parts:
                    why = self.failure(part, binding, state)
                    if why is not None:
                        return why
                return None
            if any(self.failure(part, binding, state) is None for part in node.parts):
                return None
            return _render(node, binding)
        if isinstance(node, Not):
            return _render(node, binding) if self.failure(node.body, binding, state) is None else None
        if isinstance(node, Equals):
            same = binding.get(node.left, node.left) == binding.get(node.right, node.right)
            return None if same else _render(node, binding)
        if isinstance(node, Imply):
            if self.failure(node.premise, binding, state) is not None:
                return None
            return self.failure(node.conclusion, binding, state)
        if isinstance(node, Quantified):
            if node.kind == "forall":
                for inner in self._bindings(node.params, binding):
                    why = self.failure(node.body, inner, state)
                    if why is not None:
                        return why
                return None
            if any(
                self.failure(node.body, inner, state) is None
                for inner in self._bindings(node.params, binding)
            ):
                return None
            return _render(node, binding)
        raise TypeError(f"not a goal description: {node!r}")

    def _effects(
        self,
        node: Any,
        binding: Binding,
        state: frozenset[Fact],
        adds: set[Fact],
        dels: set[Fact],
        values: dict[Fact, float],
    ) -> None:
        if isinstance(node, Atom):
            adds.add((node.predicate, *(binding.get(a, a) for a in node.args)))
        elif isinstance(node, Not):
            atom = node.body
            dels.add((atom.predicate, *(binding.get(a, a) for a in atom.args)))
        elif isinstance(node, Junction):
            for part in node.parts:
                self._effects(part, binding, state, adds, dels, values)
        elif isinstance(node, When):
            if self.failure(node.condition, binding, state) is None:
                self._effects(node.effect, binding, state, adds, dels, values)
        elif isinstance(node, Quantified):
            for inner in self._bindings(node.params, binding):
                self._effects(node.body, inner, state, adds, dels, values)
        elif isinstance(node, Increase):
            head = (node.head.predicate, *(binding.get(a, a) for a in node.head.args))
            if isinstance(node.value, Atom):
                amount = values.get(
                    (node.value.predicate, *(binding.get(a, a) for a in node.value.args)), 0.0
                )
            else:
                amount = float(node.value)
            values[head] = values.get(head, 0.0) + amount

    # ---- plans
    def _bind_step(self, step: PlanStep) -> tuple[Any, Binding] | str:
        """The action and binding for a plan step, or why the step names no applicable action."""
        action = self.domain.actions.get(step.action)
        if action is None:
            return (
                f"action {step.action!r} is not defined in the domain "
                f"(actions: {', '.join(sorted(self.domain.actions))})"
            )
        if len(step.args) != len(action.params):
            wanted = len(action.params)
            return f"action {step.action!r} takes {wanted} argument(s), the step gives {len(step.args)}"
        for arg, (name, kind) in zip(step.args, action.params, strict=True):
            if arg not in self.objects:
                return f"{arg!r} is not an object of the problem"
            if not self.is_a(arg, kind):
                return f"{arg!r} is not of type {' or '.join(kind)} (parameter {name})"
        return action, dict(zip((name for name, _ in action.params), step.args, strict=True))

    def validate(self, steps: Iterable[PlanStep]) -> Verdict:
        """Replay the steps from the initial state; the Verdict names the first failure."""
        state = self.initial
        values = dict(self.initial_values)
        count = 0
        for count, step in enumerate(steps, start=1):
            bound = self._bind_step(step)
            if isinstance(bound, str):
                return Verdict(False, count, failed_step=count, step=str(step), reason=bound)
            action, binding = bound
            why = self.failure(action.precondition, binding, state)
            if why is not None:
                return Verdict(
                    False,
                    count,
                    failed_step=count,
                    step=str(step),
                    unmet_precondition=why,
                    reason=f"precondition {why} of {step} does not hold",
                )
            adds: set[Fact] = set()
            dels: set[Fact] = set()
            self._effects(action.effect, binding, state, adds, dels, values)
            state = (state - dels) | adds
        cost = values.get(("total-cost",), 0.0) if self.costed else float(count)
        unmet = self.unmet_goals(state)
        if unmet:
            return Verdict(
                False,
                count,
                cost,
                unmet_goals=unmet,
                reason=f"the plan ends with goal(s) unmet: {' '.join(unmet)}",
            )
        return Verdict(True, count, cost)

    def unmet_goals(self, state: frozenset[Fact]) -> list[str]:
        goal = self.problem.goal
        if goal is None:
            return []
        parts = list(goal.parts) if isinstance(goal, Junction) and goal.op == "and" else [goal]
        unmet = []
        while parts:
            part = parts.pop(0)
            if isinstance(part, Junction) and part.op == "and":
                parts[0:0] = part.parts
                continue
            why = self.failure(part, {}, state)
            if why is not None:
                unmet.append(why)
        return unmet


def validate(domain: Domain, problem: PlanningProblem, steps: Iterable[PlanStep]) -> Verdict:
    """Replay a plan once; see Validator for reuse across plans."""
    return Validator(domain, problem).validate(steps)
