"""Draw a causal graph with Graphviz `dot`: exogenous variables dashed, intervened ones as filled boxes
(their incoming edges cut, as do() cuts them), observed ones double-circled, the query target bold.

`to_dot` returns DOT text (no Graphviz needed); `draw` writes an SVG or PNG by running `dot` under the
sandbox's resource limits.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from neurosym.causal.model import Model, refs, show_value
from neurosym.causal.parse import Query
from neurosym.result import ErrorKind, NeurosymError
from neurosym.sandbox import subprocess_limits


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def query_marks(query: Query | None) -> tuple[dict[str, object], set[str], set[str]]:
    """(intervened name -> value, observed names, target names) of a query."""
    if query is None:
        return {}, set(), set()
    intervened: dict[str, object] = {e.name: e.value for e in query.do}
    if query.kind in {"cause", "but_for", "sufficient", "responsibility"}:
        intervened.update({e.name: e.value for e in query.events})
    observed = {r.name for r in refs(query.evidence)} if query.evidence is not None else set()
    targets = {r.name for r in refs(query.target)} if query.target is not None else set()
    if query.kind in {"pn", "ps", "pns"}:
        intervened[query.events[0].name] = query.events[0].value
        targets.add(query.events[1].name)
    return intervened, observed, targets


def to_dot(
    model: Model,
    intervened: dict[str, object] | None = None,
    observed: Iterable[str] = (),
    targets: Iterable[str] = (),
) -> str:
    """DOT source of the model's graph with the marks above.

    Examples
    --------
    >>> from neurosym.causal.parse import parse_program
    >>> model = parse_program("exogenous U : bool = true  endogenous X := U  endogenous Y := X").model
    >>> "X -> Y" in to_dot(model, {"X": False}).replace('"', '')
    True
    """
    intervened = intervened or {}
    observed, targets = set(observed), set(targets)
    lines = ["digraph scm {", "  rankdir=LR;", '  node [fontname="Helvetica", shape=ellipse];']
    for name, var in model.variables.items():
        attrs = []
        label = name
        if name in intervened:
            label = f"do({name} = {show_value(intervened[name])})"  # type: ignore[arg-type]
            attrs += ["shape=box", "style=filled", 'fillcolor="#f4b183"']
        elif var.exogenous:
            attrs += ["style=dashed"]
        if name in observed:
            attrs += ["peripheries=2", 'color="#2e75b6"']
        if name in targets:
            attrs += ["penwidth=2.5"]
        lines.append(f"  {_quote(name)} [label={_quote(label)}{''.join(', ' + a for a in attrs)}];")
    for parent, child in model.graph.edges:
        style = " [style=dotted, color=gray]" if child in intervened else ""
        lines.append(f"  {_quote(parent)} -> {_quote(child)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(model: Model, path: str | Path, query: Query | None = None, seconds: float = 20.0) -> Path:
    """Render the graph to `path` (.svg or .png) with `dot`; the edges do() cuts are dotted."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"svg", "png"}:
        raise NeurosymError(ErrorKind.INPUT, f"cannot draw to {path.name}: use .svg or .png")
    dot = shutil.which("dot")
    if dot is None:
        raise NeurosymError(
            ErrorKind.UNSUPPORTED, "Graphviz 'dot' is not installed (scripts/setup.sh installs it)"
        )
    intervened, observed, targets = query_marks(query)
    source = to_dot(model, intervened, observed, targets)
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}", "-o", str(path)],
            input=source.encode(),
            capture_output=True,
            timeout=seconds,
            preexec_fn=subprocess_limits(seconds, 1024),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NeurosymError(ErrorKind.SOLVER_CRASH, f"dot took longer than {seconds} s") from None
    if done.returncode != 0:
        raise NeurosymError(
            ErrorKind.SOLVER_CRASH, f"dot failed: {done.stderr.decode(errors='replace')[:300]}"
        )
    return path


def draw_source(model_text: str, path: str | Path, query_text: str | None = None) -> list[Path]:
    """Draw a model given as source: one picture per query (or one for the bare graph)."""
    from neurosym.causal.parse import parse_program

    program = parse_program(model_text, query_text)
    path = Path(path)
    if len(program.queries) <= 1:
        return [draw(program.model, path, program.queries[0] if program.queries else None)]
    return [
        draw(program.model, path.with_name(f"{path.stem}-q{i + 1}{path.suffix}"), q)
        for i, q in enumerate(program.queries)
    ]


def draw_problems(problems: Iterable[object], folder: str | Path) -> list[Path]:
    """`neurosym solve --draw DIR`: an SVG per scm problem (per query); problems of other languages are
    skipped, and a model that does not parse is reported on stderr, not drawn."""
    import sys

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for problem in problems:
        formal = getattr(problem, "formal", {}) or {}
        if getattr(problem, "language", None) != "scm" or not isinstance(formal.get("model"), str):
            continue
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(problem.id))  # type: ignore[attr-defined]
        try:
            paths = draw_source(formal["model"], folder / f"{safe}.svg", formal.get("query"))
        except NeurosymError as exc:
            print(f"neurosym: cannot draw {problem.id}: {exc.info}", file=sys.stderr)  # type: ignore[attr-defined]
            continue
        written.extend(paths)
        for path in paths:
            print(f"drew {path}", file=sys.stderr)
    return written
