"""Plans are validated against the PDDL domain and problem: any valid plan earns the reward."""

from __future__ import annotations

import pytest

from neurosym.datasets.planbench import ground_truth_plans
from neurosym.rewards import RewardConfig, Verifier


@pytest.fixture(scope="module")
def blocksworld(data_dir):
    root = data_dir / "blocksworld"
    domain = (root / "domain.pddl").read_text(encoding="utf-8")
    return domain, ground_truth_plans(root)


def _task(domain, problem):
    return {"language": "pddl", "domain": domain, "problem": problem, "expect": "solvable"}


def test_every_ground_truth_plan_is_correct(verifier, blocksworld):
    domain, rows = blocksworld
    verdicts = verifier.verify_batch([_task(domain, p) for _, p, _ in rows],
                                     [f"<answer>\n{plan}</answer>" for _, _, plan in rows])
    assert [v.status for v in verdicts] == ["correct"] * len(rows)


def test_a_different_valid_plan_is_also_correct(verifier, blocksworld):
    domain, rows = blocksworld
    _, problem, plan = rows[0]
    first = plan.splitlines()[0]  # (unstack d c): undo it and redo it, a longer plan that is still valid
    block, below = first.strip("()").split()[1:]
    detour = f"{first}\n(stack {block} {below})\n{plan}"
    verdict = verifier.verify(_task(domain, problem), f"<answer>{detour}</answer>")
    assert verdict.status == "correct", verdict.reason


def test_an_invalid_plan_names_its_failing_step(verifier, blocksworld):
    domain, rows = blocksworld
    _, problem, plan = rows[1]
    steps = plan.splitlines()
    swapped = "\n".join([steps[1], steps[0], *steps[2:]])
    verdict = verifier.verify(_task(domain, problem), f"<answer>{swapped}</answer>")
    assert verdict.status == "wrong"
    assert verdict.reason.startswith("step 1 ") and "does not hold" in verdict.reason
    assert verdict.details["failed_step"] == 1


def test_partial_credit_for_goals_the_valid_prefix_reaches(blocksworld, engine):
    domain, rows = blocksworld
    _, problem, plan = rows[0]
    truncated = "\n".join(plan.splitlines()[:-1])  # the last stack is missing: one goal unmet
    plain = Verifier(engine=engine).verify(_task(domain, problem), f"<answer>{truncated}</answer>")
    partial = Verifier(RewardConfig(partial_credit=True, partial_scale=0.5), engine=engine)
    verdict = partial.verify(_task(domain, problem), f"<answer>{truncated}</answer>")
    assert plain.status == verdict.status == "wrong" and plain.reward == 0.0
    reached, total = map(int, verdict.details["goals_reached"].split("/"))
    assert reached < total
    assert verdict.reward == pytest.approx(0.5 * reached / total)


def test_a_line_that_is_not_a_step_is_a_located_parse_error(verifier, blocksworld):
    domain, rows = blocksworld
    _, problem, _ = rows[0]
    verdict = verifier.verify(_task(domain, problem), "<answer>\n(unstack d c)\nthen put d down\n</answer>")
    assert verdict.status == "parse_error"
    assert "line 2, column 1" in verdict.reason and "then put d down" in verdict.reason


def test_plan_lines_found_without_tags_and_no_plan_at_all(verifier, blocksworld):
    domain, rows = blocksworld
    _, problem, plan = rows[0]
    loose = "Here is my plan:\n" + "\n".join(f"{i + 1}. {s}" for i, s in enumerate(plan.splitlines()))
    assert verifier.verify(_task(domain, problem), loose).status == "correct"
    assert verifier.verify(_task(domain, problem), "I would move the blocks.").status == "no_answer"


def test_a_plan_over_the_step_cap(blocksworld, engine):
    domain, rows = blocksworld
    _, problem, _ = rows[0]
    small = Verifier({"max_plan_steps": 5}, engine=engine)
    verdict = small.verify(_task(domain, problem), "<answer>" + "(pick-up a)\n" * 6 + "</answer>")
    assert verdict.status == "parse_error" and "over the cap of 5" in verdict.reason


def test_format_bonus_only_for_an_explicit_answer(blocksworld, engine):
    domain, rows = blocksworld
    _, problem, plan = rows[0]
    bonus = Verifier({"format_bonus": 0.1}, engine=engine)
    tagged = bonus.verify(_task(domain, problem), f"<answer>{plan}</answer>")
    loose = bonus.verify(_task(domain, problem), plan)
    assert (tagged.reward, loose.reward) == (pytest.approx(1.1), pytest.approx(1.0))
