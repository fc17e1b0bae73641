"""Z3 for the languages of Logic-LM's programs: logic programs, constraint problems, the Z3 language.

Each language's translation lives in its own module (z3_logicprog, z3_csp, z3_dsl); all three build Z3
terms from the parsed tree in a fresh context per program, never by evaluating the program's text.
"""

from __future__ import annotations

import importlib

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Outcome

MODULES = {"logicprog": "neurosym.backends.z3_logicprog", "csp": "neurosym.backends.z3_csp",
           "z3dsl": "neurosym.backends.z3_dsl"}


class Z3LogicLmBackend(Backend):
    name = "z3-logic-lm"
    languages = tuple(MODULES)

    def solve(self, program: Program, limits: Limits) -> Outcome:
        return importlib.import_module(MODULES[program.language]).solve(program, limits)
