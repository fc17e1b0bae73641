"""Draw a causal graph with Graphviz `dot`: exogenous variables dashed, intervened ones as filled boxes
(their incoming edges cut, as do() cuts them), observed ones double-circled, the query target bold.

`to_dot` returns DOT text (no Graphviz needed); `render` turns DOT text into an SVG or PNG by running `dot`
under the sandbox's resource limits. The causal backend puts the DOT text of each query in its certificate
when asked (`options: {draw: true}`), so `neurosym solve --draw` renders pictures without parsing the
model again in the caller's process.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from neurosym.causal.model import Model, Query, refs, show_value
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
    >>> from neurosym.lang.scm import parse_program
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


def query_dot(model: Model, query: Query | None = None) -> str:
    """DOT source of the model's graph marked for one query (or the bare graph)."""
    return to_dot(model, *query_marks(query))


def draw(model: Model, path: str | Path, query: Query | None = None, seconds: float = 20.0) -> Path:
    """Render the graph to `path` (.svg or .png) with `dot`; the edges do() cuts are dotted."""
    return render(query_dot(model, query), path, seconds)


def render(source: str, path: str | Path, seconds: float = 20.0) -> Path:
    """Render DOT text to `path` (.svg or .png) with Graphviz `dot`, under CPU and memory limits."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"svg", "png"}:
        raise NeurosymError(ErrorKind.INPUT, f"cannot draw to {path.name}: use .svg or .png")
    dot = shutil.which("dot")
    if dot is None:
        raise NeurosymError(
            ErrorKind.UNSUPPORTED, "Graphviz 'dot' is not installed (scripts/setup.sh installs it)"
        )
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
