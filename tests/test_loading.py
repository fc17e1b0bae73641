"""Problem files: YAML, JSON, JSON lines, bare formal files; bad files become located load errors."""

from __future__ import annotations

import json
from pathlib import Path

from neurosym.loading import load_problems
from neurosym.problem import Limits, Problem
from neurosym.result import ErrorKind


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_problem_with_limits_and_options(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "id: p1\nlanguage: FOL\npremises: [P(a)]\nconclusion: P(a)\n"
                                     "expect: true\nlimits: {seconds: 3}\noptions: {world: closed}\n")
    [problem] = load_problems(path)
    assert problem.load_error is None
    assert (problem.id, problem.language, problem.expect) == ("p1", "fol", True)
    assert problem.limits == Limits(seconds=3.0)
    assert problem.formal == {"premises": ["P(a)"], "conclusion": "P(a)"}
    assert problem.options == {"world": "closed"}


def test_json_list_and_default_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "two.json", json.dumps([{"language": "fol"}, {"id": "named", "language": "fol"}]))
    problems = list(load_problems(path))
    assert [p.id for p in problems] == ["two:1", "named"]


def test_json_lines_bad_line_is_located_and_others_survive(tmp_path: Path) -> None:
    lines = '{"id": "a", "language": "fol"}\n{not json\n\n{"id": "c", "language": "fol"}\n'
    path = write(tmp_path, "many.jsonl", lines)
    problems = list(load_problems(path))
    assert [p.id for p in problems] == ["a", "many:2", "c"]
    error = problems[1].load_error
    assert error is not None and error.kind == ErrorKind.INPUT and error.line == 2 and error.column == 2


def test_relative_file_reference_is_inlined(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "sub/premises.txt", "P(a)\nforall x (P(x) -> Q(x))\n")
    path = write(tmp_path, "sub/p.yaml", "language: fol\npremises: premises.txt\nconclusion: Q(a)\n")
    [problem] = load_problems(path)
    assert problem.formal["premises"] == "P(a)\nforall x (P(x) -> Q(x))\n"


def test_not_yaml_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "id: x\npremises: [P(a)\nconclusion: : :\n")
    [problem] = load_problems(path)
    error = problem.load_error
    assert error is not None and error.kind == ErrorKind.INPUT
    assert "not valid YAML" in error.message and error.line is not None


def test_not_json_is_located(tmp_path: Path) -> None:
    [problem] = load_problems(write(tmp_path, "bad.json", '{"id": 1,,}'))
    assert problem.load_error is not None and problem.load_error.line == 1 and problem.load_error.column == 10


def test_missing_file(tmp_path: Path) -> None:
    [problem] = load_problems(tmp_path / "nowhere.yaml")
    assert problem.load_error is not None and "no such file" in problem.load_error.message


def test_unknown_suffix_and_binary_file(tmp_path: Path) -> None:
    [unknown] = load_problems(write(tmp_path, "notes.docx", "hello"))
    assert unknown.load_error is not None and "unknown file type" in unknown.load_error.message
    binary = tmp_path / "blob.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    [problem] = load_problems(binary)
    assert problem.load_error is not None and "not UTF-8" in problem.load_error.message


def test_bad_limits_and_non_mapping() -> None:
    assert "bad limits" in Problem.from_dict({"limits": {"hours": 1}}, "x").load_error.message
    assert "must be a mapping" in Problem.from_dict(["a"], "x").load_error.message


def test_bare_fol_file(tmp_path: Path) -> None:
    path = write(tmp_path, "s.fol", "# expect: true\n\nforall x (H(x) -> M(x))\nH(s)\n|- M(s)\n")
    [problem] = load_problems(path)
    assert problem.language == "fol" and problem.expect == "true"
    assert problem.formal["premises"] == ["forall x (H(x) -> M(x))", "H(s)"]
    assert problem.formal["lines"] == [3, 4, 5]
    [no_conclusion] = load_problems(write(tmp_path, "n.fol", "P(a)\n"))
    assert no_conclusion.load_error is not None and "no conclusion" in no_conclusion.load_error.message
