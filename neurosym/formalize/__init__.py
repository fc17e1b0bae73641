"""Formalizers: natural language in, formal programs out.

`TEXT_READERS` names the deterministic readers a text problem may ask for with its `reader` option (the
controlled-English parser by default). The engine runs the chosen one in a sandbox worker under the
problem's limits (engine.run_text), so reading a text is bounded like solving it.
"""

from __future__ import annotations

from neurosym.registry import LazyRegistry
from neurosym.result import ErrorKind

TEXT_READERS = LazyRegistry("text reader", {"cnl": "neurosym.formalize.cnl:formalize_problem",
                                            "cladder": "neurosym.formalize.cladder:formalize_problem"},
                            unknown_kind=ErrorKind.INPUT)
DEFAULT_READER = "cnl"
