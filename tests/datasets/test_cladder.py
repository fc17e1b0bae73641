"""CLadder: the templated English read into SCM programs (graph, known probabilities, one query), the
answers on the shared sample, and sentences outside the templates reported with their text."""

from __future__ import annotations

import json

import pytest

from neurosym.backends.causal import CausalBackend
from neurosym.datasets.cladder import load, load_generator
from neurosym.formalize.cladder import UnreadableText, problem_fields
from neurosym.lang import get_language
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Status

PREFIX = ("Imagine a self-contained, hypothetical world with only the following conditions, and without any "
          "unmentioned factors or causal relationships: ")
STORY = ("Husband has a direct effect on wife and alarm clock. Wife has a direct effect on alarm clock. "
         "For husbands that don't set the alarm and wives that don't set the alarm, the probability of ringing "
         "alarm is 8%. For husbands that don't set the alarm and wives that set the alarm, the probability of "
         "ringing alarm is 54%. For husbands that set the alarm and wives that don't set the alarm, the "
         "probability of ringing alarm is 41%. For husbands that set the alarm and wives that set the alarm, "
         "the probability of ringing alarm is 86%. For husbands that don't set the alarm, the probability of "
         "alarm set by wife is 74%. For husbands that set the alarm, the probability of alarm set by wife is 24%. ")


def solve(fields: dict) -> tuple:
    out = CausalBackend().solve(Program("scm", {"model": fields["model"], "query": fields["query"]}), Limits())
    return out.status, out.answer, out.certificate


def test_a_mediation_story_becomes_a_program_and_its_effects() -> None:
    nde = problem_fields(PREFIX + STORY + "If we disregard the mediation effect through wife, would husband "
                         "positively affect alarm clock?", None, "")
    assert "graph alarm_clock" not in nde["model"] and "husband -> wife" in nde["model"]
    assert "known p(alarm_clock = 1 | husband = 1, wife = 0) = 41/100" in nde["model"]
    assert nde["query"].startswith("query nde(husband, alarm_clock via wife) >")
    status, answer, certificate = solve(nde)
    # by hand: 0.26 * (0.41 - 0.08) + 0.74 * (0.86 - 0.54) = 0.3226
    assert (status, answer) == (Status.SOLVED, "yes") and certificate["value"] == pytest.approx(0.3226)
    nie = problem_fields(PREFIX + STORY + "Does husband negatively affect alarm clock through wife?", None, "")
    status, answer, certificate = solve(nie)
    # 0.08 * (0.76 - 0.26) + 0.54 * (0.24 - 0.74) = -0.23
    assert (answer, certificate["value"]) == ("yes", pytest.approx(-0.23))


def test_a_sentence_outside_the_templates_is_quoted() -> None:
    with pytest.raises(UnreadableText, match="Husband usually wins"):
        problem_fields(PREFIX + "Husband usually wins. " + STORY + "Does husband negatively affect alarm clock "
                       "through wife?", None, "")
    with pytest.raises(UnreadableText, match="question outside"):
        problem_fields(PREFIX + STORY + "Why does the alarm ring?", None, "")


def test_the_v15_sample(data_dir) -> None:
    scm = get_language("scm")
    problems = list(load(data_dir / "cladder" / "sample.jsonl"))
    assert len(problems) == 128
    broken = [p for p in problems if p.load_error]
    # deterministic stories ("We know that A causes B") are not read yet; each such row says so
    assert all("deterministic stories" in p.load_error.message for p in broken)
    lines = (data_dir / "cladder" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert len(broken) == sum(r["query_type"] == "det-counterfactual" for r in rows)
    correct = unknown = 0
    for problem in problems:
        if problem.load_error:
            continue
        status, answer, _ = solve(problem.formal)
        unknown += status == Status.UNKNOWN
        correct += status == Status.SOLVED and scm.answers_match(answer, problem.expect)
    assert unknown == 1  # CLadder 26584 (confounding ETT): P(V1 | X=1) is not stated and the strata disagree
    assert correct == len(problems) - len(broken) - unknown - 1  # CLadder 24960: rounded numbers, see docs


@pytest.mark.slow
def test_the_generator_file_reads(data_dir) -> None:
    problems = list(load_generator(data_dir / "cladder" / "test-generate-easy.json"))
    assert len(problems) == 844
    assert sum(p.load_error is None for p in problems) >= 810  # 816 read; docs/cladder.md lists the rest
