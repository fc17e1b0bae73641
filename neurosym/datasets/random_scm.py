"""Random Boolean causal models in the SCM language, for the scale benchmark and for checking Z3 against
enumeration.

A model of n endogenous variables has max(2, n // 5) exogenous inputs with random context values; each
endogenous variable is a random gate (and, or, xor-like, majority) over one to three earlier variables,
some negated, some inhibiting (b and not a, as in pre-emption), so causes come with and without
contingencies.
"""

from __future__ import annotations

import random

import networkx as nx

from neurosym.causal.model import Expr, Model, Value
from neurosym.lang.scm import parse_program


def random_question(n: int, seed: int) -> tuple[Model, Expr, dict[str, Value]]:
    """(model, φ, cause): φ says the last variable has its actual value; the cause is an endogenous
    ancestor of it at its actual value (so the question is not settled by the graph alone)."""
    source, _, last = random_model(n, seed)
    model = parse_program(source).model
    actual = model.world(model.actual_context())  # type: ignore[arg-type]
    program = parse_program(source, f"query value {last} = {'true' if actual[last] else 'false'}")
    ancestors = sorted(
        (a for a in nx.ancestors(model.graph, last) if a in model.order), key=lambda name: int(name[1:])
    )
    choice = random.Random(seed).choice(ancestors) if ancestors else last
    return program.model, program.queries[0].target, {choice: actual[choice]}  # type: ignore[return-value]


def random_model(n: int, seed: int) -> tuple[str, str, str]:
    """(model source, a cause variable, the last variable), all variables Boolean."""
    rng = random.Random(seed)
    n_exo = max(2, n // 5)
    lines = [f"exogenous U{i} : bool = {rng.choice(['true', 'false'])}" for i in range(n_exo)]
    earlier = [f"U{i}" for i in range(n_exo)]
    for i in range(n):
        # Prefer recent variables as parents so that long causal chains form.
        pool = earlier[-8:] if rng.random() < 0.7 else earlier
        parents = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
        literals = [p if rng.random() < 0.75 else f"not {p}" for p in parents]
        gate = (
            rng.choice(["and", "or", "or", "xor", "maj", "inhibit", "inhibit"]) if len(literals) > 1 else "id"
        )
        if gate == "id":
            body = literals[0]
        elif gate == "inhibit":  # b, unless a pre-empted it (Billy's rock hits unless Suzy's did)
            body = f"{parents[1]} and not {parents[0]}"
        elif gate == "xor":
            body = f"({literals[0]}) != ({literals[1]})"
        elif gate == "maj" and len(literals) == 3:
            body = f"count({', '.join(literals)}) >= 2"
        else:
            body = f" {'and' if gate == 'and' else 'or'} ".join(literals)
        lines.append(f"endogenous X{i} := {body}")
        earlier.append(f"X{i}")
    cause = f"X{rng.randrange(0, max(1, n // 2))}"
    return "\n".join(lines) + "\n", cause, f"X{n - 1}"
