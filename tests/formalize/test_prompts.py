"""Every few-shot example in the formalizer's prompt files reads, parses and solves to its stated answer,
and every completion format's grammar compiles with Lark and accepts the examples' programs."""

from __future__ import annotations

import re

import lark
import pytest

from neurosym.formalize.tasks import SHAPES, prompt_examples
from neurosym.problem import Problem

FIELD = re.compile(r"^(Text|Question|Names|Domain):[ \t]*(.*)$", re.MULTILINE)


def example_problem(shape_name: str, part: str) -> Problem:
    """The problem an example shows: its text, question, and given fields (names, domain)."""
    values: dict[str, str] = {}
    for match in FIELD.finditer(part):
        values[match.group(1)] = match.group(2)
    formal: dict[str, object] = {}
    if "Names" in values:
        formal["names"] = [name.strip() for name in values["Names"].split(",")]
    if "Domain" in values:
        formal["domain"] = part.split("Domain:", 1)[1].split("\nText:", 1)[0].strip()
    return Problem(f"{shape_name}-example", language=SHAPES[shape_name].language, formal=formal,
                   text=values.get("Text"), question=values.get("Question"))


CASES = [(name, i) for name in SHAPES for i in range(len(prompt_examples(name)))]


def test_every_shape_has_examples() -> None:
    assert all(len(prompt_examples(name)) >= 1 for name in SHAPES)
    assert len(prompt_examples("fol")) == 3  # one each of true, false, uncertain


@pytest.mark.parametrize(("shape_name", "index"), CASES)
def test_example_solves_to_its_answer(engine, shape_name: str, index: int) -> None:
    part, program_text, answer = prompt_examples(shape_name)[index]
    shape = SHAPES[shape_name]
    problem = example_problem(shape_name, part)
    program = shape.read(problem, program_text)
    result = engine.solve_many([Problem(problem.id, language=program.language, formal=program.fields,
                                        options=program.options, expect=answer)])[0]
    assert result.status == "solved", result.error
    assert result.correct, (result.answer, answer)


@pytest.mark.parametrize(("shape_name", "index"), [c for c in CASES if SHAPES[c[0]].grammar() is not None])
def test_completion_grammar_accepts_the_example(shape_name: str, index: int) -> None:
    grammar = SHAPES[shape_name].grammar()
    _, program_text, _ = prompt_examples(shape_name)[index]
    parser = lark.Lark(grammar, parser="earley")
    assert parser.parse(program_text.strip()) is not None


def test_the_prompt_carries_the_problem() -> None:
    problem = Problem("p", language="kk", formal={"names": ["Ann", "Bo"]}, text="Ann says Bo lies.")
    prompt = SHAPES["kk"].prompt(problem)
    assert prompt.endswith("Names: Ann, Bo\nText: Ann says Bo lies.\n### Program\n")
    assert "{{" not in prompt
