"""The miniF2F format: every row a Lean problem expecting `proved`; a broken row is a located error."""

from __future__ import annotations

from neurosym.datasets import get_loader


def test_minif2f_rows_load(data_dir) -> None:
    problems = list(get_loader("minif2f")(data_dir / "minif2f" / "valid.jsonl"))
    assert len(problems) == 244
    first = problems[0]
    assert first.id == "aimeII_2001_p3" and first.language == "lean"
    assert first.formal["statement"].startswith("theorem aimeII_2001_p3")
    assert first.expect == "proved"


def test_broken_row_is_a_load_error(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"name": "a", "formal_statement": "theorem a : 1 = 1 := by sorry"}\nnot json\n'
                    '{"name": "b"}\n', encoding="utf-8")
    problems = list(get_loader("minif2f")(path))
    assert [p.load_error is None for p in problems] == [True, False, False]
    assert problems[1].load_error.line == 2
