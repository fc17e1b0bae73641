"""Issue 15's acceptance test: a hostile corpus (every class, every language) solved in ONE batch with
examples/: one result per problem, every example still right, nothing written, nothing read from outside,
each problem inside its wall clock plus the documented margin."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from neurosym.engine import Engine
from neurosym.loading import load_paths
from neurosym.result import Status
from neurosym.sandbox import KILL_GRACE_SECONDS

LANGS = ("fol", "prolog", "pddl", "scm", "kk")


def _bomb(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text + f"premises: *{previous}\n"


def build(folder: Path, secret: Path) -> dict[str, list[str]]:
    """Write the corpus into `folder`; `secret` is a file outside it that nothing may read."""
    classes: dict[str, list[str]] = {}

    def add(kind: str, name: str, text: str | bytes) -> None:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        classes.setdefault(kind, []).append(name)

    folder.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        head = f"language: {lang}\n"
        add("malformed", f"{lang}-options-string.yaml", head + "options: abc\n")
        deep = "[" * 100_000 + "]" * 100_000
        add("malformed", f"{lang}-deep.json", '{"language": "' + lang + '", "x": ' + deep + "}")
        add("malformed", f"{lang}-deep.yaml", head + "x: " + "[" * 20_000 + "]" * 20_000 + "\n")
        add("malformed", f"{lang}-not-a-mapping.yaml", "- 1\n- [2]\n- just text\n")
        add("malformed", f"{lang}-missing-fields.yaml", head)
        add("malformed", f"{lang}-wrong-field-type.yaml", head + "premises: {a: 1}\nprogram: 7\ndomain: [1]\n"
                                                          "model: 3\nnames: x\nstatements: 4\n")
        add("alias-bomb", f"{lang}-bomb.yaml", head + _bomb())
        add("alias-bomb", f"{lang}-small-bomb.yaml", head + _bomb(6))
        for i, ref in enumerate(("../secret.pl", str(secret), "link.pl", "environ.pl", "zero.pl", "dir.pl",
                                 "latin1.pl")):
            field = {"fol": "premises", "prolog": "program", "pddl": "domain", "scm": "model",
                     "kk": "statements"}[lang]
            add("file-reference", f"{lang}-ref-{i}.yaml", head + f"{field}: {ref}\nquery: p\nproblem: x\n"
                                                                 "conclusion: P(a)\nnames: [a]\n")
        for i, limit in enumerate(("1.0e400", ".nan", "-1", "0", "abc", "100000000")):
            add("limits", f"{lang}-limit-{i}.yaml", head + f"limits: {{seconds: {limit}}}\n")
    os.symlink(secret, folder / "link.pl")
    os.symlink("/proc/self/environ", folder / "environ.pl")
    os.symlink("/dev/zero", folder / "zero.pl")
    (folder / "dir.pl").mkdir()
    (folder / "latin1.pl").write_bytes("p(caf\xe9).\n".encode("latin-1"))
    os.symlink(secret, folder / "outside.fol")
    classes.setdefault("file-reference", []).append("outside.fol")
    # work outside any limit: 10 MB of controlled English against a 5 s limit, and 2 MB under the cap
    sentence = "Bob is big. If something is big then it is red. "
    add("unbounded-work", "cnl-10mb.yaml", f"text: \"{sentence * (10_000_000 // len(sentence))}\"\n"
                                           "question: Bob is red.\nlimits: {seconds: 5, max_input_bytes: 20000000}\n")
    add("unbounded-work", "cnl-1mb.yaml", f"text: \"{sentence * (1_000_000 // len(sentence))}\"\n"
                                          "question: Bob is red.\nlimits: {seconds: 5}\n")
    prolog = "language: prolog\nlimits: {seconds: 2}\nprogram: |\n  loop :- loop.\n  q :- catch(loop, _, q).\n"
    add("prolog-limits", "pl-catch-time.yaml", prolog + "query: q\n")
    add("prolog-limits", "pl-catch-inference.yaml", prolog + "query: catch((repeat, fail), _, true)\n")
    add("prolog-limits", "pl-cleanup.yaml", prolog + "query: setup_call_cleanup(true, true, loop)\n")
    add("prolog-limits", "pl-cyclic2.yaml", prolog + "query: X = f(X, X)\n")
    add("prolog-limits", "pl-cyclic1.yaml", prolog + "query: X = f(X)\n")
    add("prolog-limits", "pl-escape.yaml", prolog + "query: shell('touch /tmp/neurosym-escaped')\n")
    chain = " → ".join(f"Q{i}(a)" for i in range(1000))
    facts = "\n".join(f"  - Q{i}(a)" for i in range(999))
    add("flat-chain", "fol-chain-1000.yaml", f"language: fol\nlimits: {{seconds: 20}}\npremises:\n  - {chain}\n"
                                             f"{facts}\nconclusion: Q999(a)\nexpect: true\n")
    add("flat-chain", "fol-chain-1000-e.yaml", f"language: fol\nbackend: eprover\nlimits: {{seconds: 20}}\n"
                                               f"premises:\n  - {chain}\n{facts}\nconclusion: Q999(a)\nexpect: true\n")
    for op, links in (("∨", 3000), ("⊕", 1000)):  # E's clause-length and parity cases (docs/hardening.md)
        negated = "\n".join(f"  - ¬Q{i}(a)" for i in range(links - 1))
        add("flat-chain", f"fol-{'or' if op == '∨' else 'xor'}-chain-{links}-e.yaml",
            f"language: fol\nbackend: eprover\nlimits: {{seconds: 20}}\npremises:\n"
            f"  - {f' {op} '.join(f'Q{i}(a)' for i in range(links))}\n{negated}\nconclusion: Q{links - 1}(a)\n"
            "expect: true\n")
    quantified = "\n".join(f"  - ∀x (P{i}(x) → P{i + 1}(x))" for i in range(50))
    add("portfolio", "fol-forall-chain.yaml", f"language: fol\nlimits: {{seconds: 10}}\npremises:\n{quantified}\n"
                                              "  - P0(a)\nconclusion: P50(a)\nexpect: true\n")
    predicates = " ".join(f"(p{i})" for i in range(201))
    actions = " ".join(f"(:action a{i} :parameters () :precondition (p{i}) :effect (and (p{i + 1}) (not (p{i}))))"
                       for i in range(200))
    add("portfolio", "pddl-chain.yaml", "language: pddl\nlimits: {seconds: 10}\n"
                                        f"domain: \"(define (domain chain) (:requirements :strips) (:predicates "
                                        f"{predicates}) {actions})\"\n"
                                        "problem: \"(define (problem c) (:domain chain) (:init (p0)) "
                                        "(:goal (p200)))\"\n"
                                        "expect: 200\n")
    add("rough-edges", "evil-id.yaml", 'id: "x\\nfake  fol  z3  solved\\x1b[2J"\nlanguage: fol\npremises: [P(a)]\n'
                                       "conclusion: P(a)\nexpect: true\n")
    add("rough-edges", "bare.pddl", "(define (problem b) (:domain nowhere) (:init) (:goal (and)))\n")
    return classes


ROOT = Path(__file__).resolve().parents[1]
MARGIN_SECONDS = KILL_GRACE_SECONDS + 1.0  # docs/hardening.md


@pytest.mark.slow
def test_hostile_corpus_in_one_batch_with_the_examples(tmp_path: Path) -> None:
    secret = tmp_path / "secret.pl"
    secret.write_text("secret_token_5ec7.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    classes = build(corpus, secret)
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    hostile = list(load_paths([corpus]))
    good = list(load_paths([examples]))
    assert len(hostile) >= sum(len(v) for v in classes.values())
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()}
    started = time.monotonic()
    results = Engine(workers=2).solve_many(hostile + good)
    assert len(results) == len(hostile) + len(good)
    by_id = {r.id: r for r in results[len(hostile):]}
    for problem in good:  # every example still right
        result = by_id[problem.id]
        assert result.status == Status.SOLVED and result.correct is not False, (problem.id, result.error)
    for problem, result in zip(hostile, results, strict=False):
        assert result.id == problem.id
        text = result.to_json()
        assert "secret_token" not in text and "PATH=" not in text  # nothing read from outside
        assert result.seconds <= problem.limits.seconds + MARGIN_SECONDS, (problem.id, result.seconds)
    assert not Path("/tmp/neurosym-escaped").exists()
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()}
    assert after == before  # nothing written in the corpus or the examples
    assert time.monotonic() - started < 600
