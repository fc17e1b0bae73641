"""Real Lean 4: check a statement's proof with `lake env lean` in a Lean project that has Mathlib.

Available only when `lake` is on PATH and a project is named by NEUROSYM_LEAN_PROJECT (a folder with a
lakefile and Mathlib built). The statement is written to a temporary file inside the project and compiled
under the worker's limits: it compiles without errors or `sorry` -> proved; an error -> the message. A
statement ending in `sorry` has no proof to check, so it is answered `unknown` with Lean's verdict that it
elaborates (a type-correct statement), which still catches a mistranslated formalization that does not
typecheck.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.lean import parse_program, program_text
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status
from neurosym.sandbox import subprocess_limits

PROJECT_VARIABLE = "NEUROSYM_LEAN_PROJECT"
ERROR_LINE = re.compile(r":(\d+):(\d+): error: (.*)")


class Lean4Backend(Backend):
    name = "lean4"
    languages = ("lean",)

    @classmethod
    def project(cls) -> Path | None:
        folder = os.environ.get(PROJECT_VARIABLE)
        return Path(folder) if folder and Path(folder).is_dir() else None

    @classmethod
    def available(cls) -> bool:
        return shutil.which("lake") is not None and cls.project() is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        if shutil.which("lake") is None:
            return "backend 'lean4' is not available: no `lake` on PATH (install elan and a Lean 4 toolchain)"
        return f"backend 'lean4' is not available: set {PROJECT_VARIABLE} to a Lean project with Mathlib"

    def solve(self, program: Program, limits: Limits) -> Outcome:
        parse_program(program)  # a statement outside the grammar never reaches Lean
        project = self.project()
        lake = shutil.which("lake")
        if project is None or lake is None:
            raise NeurosymError(ErrorKind.UNSUPPORTED, self.unavailable_reason())
        text, _ = program_text(program.fields)
        with tempfile.NamedTemporaryFile("w", suffix=".lean", dir=project, delete=False, encoding="utf-8") as f:
            f.write(text)
            path = f.name
        try:
            completed = subprocess.run([lake, "env", "lean", path], cwd=project, capture_output=True, text=True,
                                       timeout=limits.seconds, check=False,
                                       preexec_fn=subprocess_limits(limits.seconds, limits.memory_mb))
        except subprocess.TimeoutExpired:
            return Outcome(Status.TIMEOUT, certificate={"engine": "lean4"})
        finally:
            Path(path).unlink(missing_ok=True)
        output = completed.stdout + completed.stderr
        error = ERROR_LINE.search(output)
        if error:
            raise NeurosymError(ErrorKind.TYPE, f"Lean: {error.group(3)}", int(error.group(1)), int(error.group(2)))
        if completed.returncode != 0:
            raise NeurosymError(ErrorKind.SOLVER_CRASH, f"lean exited with {completed.returncode}: {output[-500:]}")
        if "declaration uses 'sorry'" in output:
            return Outcome(Status.UNKNOWN, certificate={"engine": "lean4", "reason": "the statement elaborates; "
                                                        "its proof is `sorry`"})
        return Outcome(Status.SOLVED, answer="proved", certificate={"engine": "lean4", "method": "Lean kernel"})
