"""neurosym: formal programs parsed by Lark grammars and solved by real provers, with certificates."""

from neurosym.engine import Engine, solve, solve_many
from neurosym.loading import load_problems
from neurosym.problem import Limits, Problem
from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Result, Status
from neurosym.rewards import verify, verify_batch

__all__ = ["Engine", "ErrorInfo", "ErrorKind", "Limits", "NeurosymError", "Problem", "Result", "Status",
           "load_problems", "solve", "solve_many", "verify", "verify_batch"]

