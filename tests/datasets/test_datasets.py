"""Dataset importers share one JSON-lines reader: bad lines and bad rows are located, the rest still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym.datasets import get_loader
from neurosym.result import ErrorKind, NeurosymError

GOOD_FOLIO = '{"premises-FOL": ["P(a)"], "conclusion-FOL": "P(a)", "label": "True"}'


def test_bad_line_and_bad_row_are_located(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(f'{GOOD_FOLIO}\n{{"premises-FOL": \n\n{{"label": "True"}}\n{GOOD_FOLIO}\n', encoding="utf-8")
    problems = list(get_loader("folio")(path))
    assert [p.id for p in problems] == ["folio-1", "folio-2", "folio-4", "folio-5"]
    assert problems[0].load_error is None and problems[0].expect == "true"
    not_json, not_a_row = problems[1].load_error, problems[2].load_error
    assert not_json.kind == ErrorKind.INPUT and not_json.line == 2 and "not JSON" in not_json.message
    assert not_a_row.line == 4 and "not a FOLIO row" in not_a_row.message and "premises-FOL" in not_a_row.message


def test_folder_without_json_lines_and_missing_file(tmp_path: Path) -> None:
    [empty] = get_loader("kk")(tmp_path)
    assert "no *.jsonl files" in empty.load_error.message
    [missing] = get_loader("kk")(tmp_path / "gone.jsonl")
    assert "no such file" in missing.load_error.message


def test_unknown_format_is_named() -> None:
    with pytest.raises(NeurosymError) as caught:
        get_loader("no-such-format")
    assert "unknown dataset format" in caught.value.info.message and "folio" in caught.value.info.message
