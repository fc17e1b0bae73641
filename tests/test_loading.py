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


# ------------------------------------------------------------------------------ hostile files (issue 15)


def _billion_laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text + f"language: fol\npremises: *{previous}\nconclusion: P(a)\n"


def test_yaml_alias_bomb_is_refused_before_it_is_built(tmp_path: Path) -> None:
    [problem] = load_problems(write(tmp_path, "bomb.yaml", _billion_laughs()))
    error = problem.load_error
    assert error is not None and error.kind == ErrorKind.INPUT and "alias" in error.message
    assert error.line is not None


def test_small_aliases_still_work(tmp_path: Path) -> None:
    text = "language: fol\npremises: &p [P(a)]\nconclusion: P(a)\nlines: *p\n"
    [problem] = load_problems(write(tmp_path, "ok.yaml", text))
    assert problem.load_error is None and problem.formal["lines"] == ["P(a)"]


def test_deep_json_and_yaml_are_refused_with_a_location(tmp_path: Path) -> None:
    deep_json = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    deep_flow = write(tmp_path, "flow.yaml", "a: " + "[" * 20_000 + "]" * 20_000 + "\n")
    deep_block = write(tmp_path, "block.yaml", "".join("  " * i + "k:\n" for i in range(3000)))
    deep_line = write(tmp_path, "deep.jsonl", '{"id": "fine"}\n' + "[" * 5000 + "]" * 5000 + "\n")
    for path in (deep_json, deep_flow, deep_block):
        [problem] = load_problems(path)
        assert problem.load_error is not None and "nest" in problem.load_error.message
        assert problem.load_error.line is not None
    fine, deep = load_problems(deep_line)
    assert fine.load_error is None and deep.load_error is not None and deep.load_error.line == 2


def test_field_of_the_wrong_type_names_the_field_and_line(tmp_path: Path) -> None:
    text = "- id: good\n  language: fol\n- id: bad\n  language: fol\n  options: abc\n"
    good, bad = load_problems(write(tmp_path, "two.yaml", text))
    assert good.load_error is None
    assert bad.load_error is not None and "'options'" in bad.load_error.message and bad.load_error.line == 5


def test_limits_are_validated() -> None:
    import math

    import pytest

    from neurosym.problem import LIMIT_MAXIMA
    from neurosym.result import NeurosymError

    for bad in (math.inf, math.nan, -1, 0, "3", True, LIMIT_MAXIMA["seconds"] * 2):
        problem = Problem.from_dict({"limits": {"seconds": bad}}, "x")
        assert problem.load_error is not None and problem.load_error.kind == ErrorKind.INPUT
        assert "seconds" in problem.load_error.message
    with pytest.raises(NeurosymError, match="memory_mb"):
        Limits(memory_mb=1.5)
    assert Limits(seconds=2).seconds == 2.0


def test_values_python_cannot_hold_become_errors(tmp_path: Path) -> None:
    [huge] = load_problems(write(tmp_path, "huge.json", '{"id": ' + "9" * 5000 + "}"))
    [date] = load_problems(write(tmp_path, "date.yaml", "id: 2001-13-45\n"))
    [keys] = load_problems(write(tmp_path, "keys.yaml", "1: x\n"))
    for problem in (huge, date, keys):
        assert problem.load_error is not None and problem.load_error.kind == ErrorKind.INPUT


def test_references_are_confined_to_the_folder(tmp_path: Path) -> None:
    import os

    outside = tmp_path / "secret.pl"
    outside.write_text("secret_token_1234.\n", encoding="utf-8")
    folder = tmp_path / "problems"
    (folder / "sub").mkdir(parents=True)
    write(folder, "sub/inside.pl", "p(a).\n")
    os.symlink(outside, folder / "link.pl")
    os.symlink("/dev/zero", folder / "zero.pl")
    (folder / "dir.pl").mkdir()
    cases = {"up": "../secret.pl", "absolute": str(outside), "link": "link.pl", "zero": "zero.pl",
             "dir": "dir.pl"}
    for name, reference in cases.items():
        [problem] = load_problems(write(folder, f"{name}.yaml", f"language: prolog\nprogram: {reference}\n"
                                                               "query: p(X)\n"))
        error = problem.load_error
        assert error is not None and error.kind == ErrorKind.REFUSED, name
        assert "secret_token" not in error.message and error.line == 2
    [inside] = load_problems(write(folder, "in.yaml", "language: prolog\nprogram: sub/inside.pl\nquery: p(X)\n"))
    assert inside.load_error is None and inside.formal["program"] == "p(a).\n"
    [off] = load_problems(folder / "in.yaml", references=False)
    assert off.load_error is not None and off.load_error.kind == ErrorKind.REFUSED
    assert "turned off" in off.load_error.message


def test_reference_in_latin1_and_special_files(tmp_path: Path) -> None:
    import os

    (tmp_path / "latin.pl").write_bytes("p(caf\xe9).\n".encode("latin-1"))
    [latin] = load_problems(write(tmp_path, "l.yaml", "language: prolog\nprogram: latin.pl\nquery: p(X)\n"))
    assert latin.load_error is not None and "not UTF-8" in latin.load_error.message
    os.mkfifo(tmp_path / "fifo.yaml")
    [fifo] = load_problems(tmp_path / "fifo.yaml")
    assert fifo.load_error is not None and fifo.load_error.kind == ErrorKind.REFUSED


def test_folder_symlink_leading_out_is_refused(tmp_path: Path) -> None:
    import os

    from neurosym.loading import load_paths

    folder = tmp_path / "batch"
    folder.mkdir()
    write(tmp_path, "outside.fol", "P(a)\n|- P(a)\n")
    os.symlink(tmp_path / "outside.fol", folder / "x.fol")
    [problem] = load_paths([folder])
    assert problem.load_error is not None and problem.load_error.kind == ErrorKind.REFUSED


def test_bare_pddl_problem_finds_its_domain_and_a_domain_alone_is_not_a_problem(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1] / "examples" / "pddl"
    write(tmp_path, "blocksworld-domain.pddl", (root / "blocksworld-domain.pddl").read_text(encoding="utf-8"))
    problem_text = "; expect: valid\n" + (root / "blocksworld-4.pddl").read_text(encoding="utf-8")
    [problem] = load_problems(write(tmp_path, "four.pddl", problem_text))
    assert problem.load_error is None and problem.language == "pddl" and problem.expect == "valid"
    assert "(define (domain" in problem.formal["domain"] and problem.formal["problem"] == problem_text
    [domain] = load_problems(tmp_path / "blocksworld-domain.pddl")
    assert domain.load_error is not None and "defines a domain" in domain.load_error.message
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    [alone] = load_problems(write(lonely, "p.pddl", problem_text))
    assert alone.load_error is not None and "no domain file" in alone.load_error.message
