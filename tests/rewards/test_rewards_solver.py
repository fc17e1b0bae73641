"""Answers a solver decides (FOL, causal, Prolog), program mode, and hostile completions in the sandbox."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from neurosym.rewards import Verifier

LABELS = {"True": "true", "False": "false", "Uncertain": "uncertain"}


def _fol_task(row, **extra):
    return {"language": "fol", "premises": row["premises-FOL"], "conclusion": row["conclusion-FOL"],
            "expect": LABELS[row["label"]], **extra}


def _fol_block(row):
    return "```fol\n" + "\n".join(row["premises-FOL"]) + "\n⊢ " + row["conclusion-FOL"] + "\n```"


def test_fol_answers_are_checked_against_the_solvers_verdict(verifier, folio_rows):
    rows = folio_rows[:12]
    tasks = [_fol_task(row) for row in rows for _ in range(3)]
    completions = [c for _ in rows for c in (r"\boxed{True}", "<answer>false</answer>", "So it is uncertain.")]
    verdicts = verifier.verify_batch(tasks, completions)
    for i in range(len(rows)):
        trio = verdicts[3 * i: 3 * i + 3]
        statuses = [v.status for v in trio]
        if "verifier_error" in statuses:  # the gold formalization itself does not parse: never a reward
            assert statuses == ["verifier_error"] * 3 and "formal problem fails" in trio[0].reason
            continue
        assert statuses.count("correct") == 1 and statuses.count("wrong") == 2
        truth = trio[statuses.index("correct")].details["reference"]
        assert all(v.details["reference"] == truth for v in trio)


def test_reference_expect_uses_the_gold_label_without_solving(engine, folio_rows):
    verifier = Verifier({"reference": "expect"}, engine=engine)
    row = folio_rows[0]
    verdict = verifier.verify(_fol_task(row), f"<answer>{row['label']}</answer>")
    assert verdict.status == "correct" and "expected answer" in verdict.reason


def test_program_mode_fol_right_wrong_and_located_parse_error(verifier, folio_rows):
    row = next(r for r in folio_rows if r["label"] == "True")
    task = _fol_task(row, mode="program")
    wrong_task = {**task, "expect": "false"}
    broken = "```fol\n" + row["premises-FOL"][0] + "\n∀x (P(x) →\n⊢ " + row["conclusion-FOL"] + "\n```"
    right, wrong, bad, none = verifier.verify_batch([task, wrong_task, task, task],
                                                    [_fol_block(row), _fol_block(row), broken, "True"])
    assert right.status == "correct"
    assert wrong.status == "wrong" and "expected 'false'" in wrong.reason
    assert bad.status == "parse_error" and bad.reason.startswith("line 2, column ")
    assert none.status == "no_answer" and "```fol" in none.reason


def test_an_expect_comment_in_the_block_cannot_change_the_expected_answer(verifier):
    task = {"language": "fol", "mode": "program", "expect": "false"}
    block = "```fol\n# expect: true\nP(a)\n⊢ P(a)\n```"
    assert verifier.verify(task, block).status == "wrong"


def test_causal_answers_against_the_engine_and_causal_programs(verifier):
    model = ("exogenous U : bool = true\nendogenous A := U\nendogenous B := A\n")
    task = {"language": "scm", "model": model, "query": "query value B do(A = false)"}
    yes, no = verifier.verify_batch([task, task], ["<answer>no</answer>", "<answer>yes</answer>"])
    assert (yes.status, no.status) == ("correct", "wrong")
    program = {"language": "scm", "mode": "program", "expect": "false"}
    block = f"```scm\n{model}query value B do(A = false)\n```"
    assert verifier.verify(program, block).status == "correct"


def test_prolog_and_pddl_programs(verifier):
    prolog = {"language": "prolog", "mode": "program", "expect": "true"}
    good = "```prolog\nparent(a, b).\nparent(b, c).\ngp(X, Z) :- parent(X, Y), parent(Y, Z).\n?- gp(a, c).\n```"
    assert verifier.verify(prolog, good).status == "correct"
    domain = ("(define (domain d) (:requirements :strips) (:predicates (at ?x) (link ?x ?y))\n"
              " (:action go :parameters (?x ?y) :precondition (and (at ?x) (link ?x ?y))\n"
              "  :effect (and (at ?y) (not (at ?x)))))")
    pddl = {"language": "pddl", "mode": "program", "domain": domain, "expect": "solvable", "backend": "pyperplan"}
    block = "```pddl\n(define (problem p) (:domain d) (:objects a b) (:init (at a) (link a b)) (:goal (at b)))\n```"
    undefined = block.replace("(link a b)", "(road a b)")
    ok, bad = verifier.verify_batch([pddl, pddl], [block, undefined])
    assert ok.status == "correct", ok.reason
    assert bad.status == "parse_error" and "road" in bad.reason


HOSTILE = {
    "shell directive": ("prolog", "```prolog\n:- shell('touch {marker}').\np(1).\n?- p(X).\n```"),
    "shell query": ("prolog", "```prolog\np(1).\n?- shell('touch {marker}').\n```"),
    "open for writing": ("prolog", "```prolog\nw :- open('{marker}', write, S), close(S).\n?- w.\n```"),
    "halt": ("prolog", "```prolog\np :- halt.\n?- p.\n```"),
    "endless loop": ("prolog", "```prolog\nloop :- loop.\n?- loop.\n```"),
    "deep formula": ("fol", "```fol\n" + "¬(" * 3000 + "P(a)" + ")" * 3000 + "\n⊢ P(a)\n```"),
    "1 MB formula": ("fol", "```fol\n" + "P(a) ∧ " * 150_000 + "P(a)\n⊢ P(a)\n```"),
    # 80^5 reachable ground actions: grounding explodes in any planner (a goal nothing adds would not: Fast
    # Downward's translator proves it unreachable at once)
    "exploding domain": ("pddl", "```pddl\n(define (domain d) (:requirements :strips) (:predicates (o ?a) "
                                 "(p ?a ?b ?c ?d ?e))\n (:action go :parameters (?a ?b ?c ?d ?e) :precondition "
                                 "(and (o ?a) (o ?b) (o ?c) (o ?d) (o ?e)) :effect (p ?a ?b ?c ?d ?e)))\n"
                                 "(define (problem q) (:domain d) (:objects "
                                 + " ".join(f"o{i}" for i in range(80)) + ") (:init "
                                 + " ".join(f"(o o{i})" for i in range(80)) + ") (:goal (p o0 o1 o2 o3 o4)))\n```"),
}


@pytest.mark.slow
def test_hostile_programs_end_as_timeout_or_parse_error_and_write_nothing(engine, tmp_path):
    marker = tmp_path / "pwned"
    verifier = Verifier({"item_seconds": 3.0}, engine=engine)
    names = list(HOSTILE)
    tasks = [{"language": HOSTILE[n][0], "mode": "program",
              "expect": "solvable" if HOSTILE[n][0] == "pddl" else "true"} for n in names]
    completions = [HOSTILE[n][1].replace("{marker}", str(marker)) for n in names]
    tasks.append({"language": "fol", "mode": "program", "expect": "true"})  # a good one in the same batch
    completions.append("```fol\nP(a)\n⊢ P(a)\n```")
    before = set(os.listdir(Path.cwd()))
    verdicts = verifier.verify_batch(tasks, completions)
    got = dict(zip([*names, "good"], verdicts, strict=True))
    assert got["good"].status == "correct"
    for name in names:
        assert got[name].status in ("timeout", "parse_error"), (name, got[name])
    assert got["1 MB formula"].status == "parse_error" and "over the cap" in got["1 MB formula"].reason
    assert got["shell directive"].reason.startswith("line 1, column 1")
    assert not marker.exists()
    assert set(os.listdir(Path.cwd())) == before


def _worker_pids() -> list[int]:
    """The pool's workers: children of this process running the sandbox's worker loop."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) == me and b"_worker_main" in cmdline:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_verdict(engine):
    verifier = Verifier({"item_seconds": 20.0}, engine=engine)
    # Each item counts for a second or more in its worker (45M inferences), so the kill lands mid-batch
    # however fast the machine (1.5M counted in a blink on a quiet one, and the batch was over first).
    block = "```prolog\ncount(N, N) :- !.\ncount(I, N) :- J is I + 1, count(J, N).\n?- count(0, 15000000).\n```"
    tasks = [{"language": "prolog", "mode": "program", "expect": "true"}] * 8
    verifier.verify(tasks[0], block)  # warm the workers so there is one to kill
    killed: list[int] = []
    done = threading.Event()

    def kill_one():
        time.sleep(0.3)
        while not done.is_set() and not killed:
            pids = _worker_pids()
            if pids:
                os.kill(pids[0], 9)
                killed.append(pids[0])
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one)
    killer.start()
    # Distinct programs, so no verdict comes from the verifier's cache and every item runs in a worker.
    verdicts = verifier.verify_batch(tasks, [block.replace("15000000", str(15000000 + i)) for i in range(8)])
    done.set()
    killer.join()
    assert killed, "no worker was killed while the batch ran"
    assert [v.status for v in verdicts] == ["correct"] * 8


def test_bad_items_cost_only_themselves(verifier):
    good = {"language": "fol", "premises": ["P(a)"], "conclusion": "P(a)"}
    tasks = [good, "not json", {"language": "nope"}, {"mode": "x", "language": "fol"}, good, 42]
    completions = ["<answer>true</answer>", "x", "<answer>x</answer>", "x", ["not", "messages"], "x"]
    statuses = [v.status for v in verifier.verify_batch(tasks, completions)]
    assert statuses[0] == "correct"
    assert statuses[1:4] == ["verifier_error"] * 3
    assert statuses[4] == "no_answer"  # a list that holds no message: an empty completion
    assert statuses[5] == "verifier_error"
