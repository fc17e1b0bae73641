"""Parse with a Lark grammar; turn Lark's exceptions into located errors that say what was expected.

Every language module parses through `parse_located`, so every syntax error in neurosym has the same
shape: kind `syntax`, the line and column in the program the user wrote, the offending text, the tokens
that would have been accepted (spelled as a user writes them, not as Lark names them), and, since most
syntax errors in LLM-written code are unbalanced brackets, which '(' was left open or which ')' closes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import lark

from neurosym.result import ErrorKind, NeurosymError

MAX_EXPECTED_SHOWN = 10


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def open_brackets(text: str, end: int, comment: str | None = None) -> list[int]:
    """Offsets of the '(' still open at `end`; text matching the `comment` regex is skipped."""
    pattern = re.compile(rf"{comment}|[()]" if comment else r"[()]")
    stack: list[int] = []
    for match in pattern.finditer(text, 0, end):
        if match.group() == "(":
            stack.append(match.start())
        elif match.group() == ")" and stack:
            stack.pop()
    return stack


def describe_expected(parser: lark.Lark, expected: Iterable[str], spellings: Mapping[str, str]) -> str:
    """The accepted terminals as a reader would write them: a spelling given, the literal, or the name."""
    names = set()
    for name in expected:
        if name in spellings:
            names.add(spellings[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            names.add(name.lower())
            continue
        names.add(repr(pattern.value) if isinstance(pattern, lark.lexer.PatternStr) else name.lower())
    shown = sorted(names)
    if len(shown) > MAX_EXPECTED_SHOWN:
        shown = [*shown[:MAX_EXPECTED_SHOWN], "..."]
    return ", ".join(shown)


def parse_located(parser: lark.Lark, text: str, what: str, first_line: int = 1,
                  spellings: Mapping[str, str] | None = None, comment: str | None = None,
                  first_line_shift: int = 0) -> Any:
    """`parser.parse(text)` (a tree, or what an inline transformer built), or NeurosymError(SYNTAX).

    The error is located at `first_line` + its line inside `text`; `comment` is the language's comment
    regex, so brackets inside comments are not counted; `first_line_shift` is added to columns on the
    text's first line, for callers that prepend something before parsing (Prolog's `?- ` for a query).
    """
    try:
        return parser.parse(text)
    except lark.UnexpectedInput as exc:
        error = _located_error(parser, exc, text, what, spellings or {}, comment, first_line - 1)
        if first_line_shift and error.info.line == first_line and error.info.column is not None:
            error.info.column = max(1, error.info.column + first_line_shift)
        raise error from None


def _located_error(parser: lark.Lark, exc: lark.UnexpectedInput, text: str, what: str,
                   spellings: Mapping[str, str], comment: str | None, line_offset: int) -> NeurosymError:
    accepted = getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ()
    wanted = describe_expected(parser, accepted, spellings)
    wanted = f"; expected {wanted}" if wanted else ""
    at_end = isinstance(exc, lark.UnexpectedEOF) or getattr(getattr(exc, "token", None), "type", "") == "$END"
    if at_end:
        still_open = open_brackets(text, len(text), comment)
        if still_open:
            line, column = line_column(text, still_open[-1])
            message = (f"{what}: unbalanced parentheses: the text ends with {len(still_open)} '(' not closed; "
                       f"the innermost opened at line {line + line_offset}, column {column}{wanted}")
            return NeurosymError(ErrorKind.SYNTAX, message, line + line_offset, column)
        line, column = line_column(text, len(text.rstrip()))
        return NeurosymError(ErrorKind.SYNTAX, f"{what} ends too early{wanted}", line + line_offset, column)
    offset = exc.pos_in_stream
    if isinstance(exc, lark.UnexpectedToken):
        found = f"unexpected {str(exc.token)!r}"
    else:
        char = text[offset] if 0 <= offset < len(text) else "end of input"
        found = f"unexpected character {char!r}"
    hint = ""
    if 0 <= offset < len(text) and text[offset] == "(":
        still_open = open_brackets(text, offset, comment)
        if still_open:
            open_line, open_column = line_column(text, still_open[-1])
            if open_line < exc.line:
                hint = f" (is the '(' at line {open_line + line_offset}, column {open_column} missing its ')'?)"
    elif 0 <= offset < len(text) and text[offset] == ")" and not open_brackets(text, offset, comment):
        hint = " (unbalanced parentheses: this ')' closes nothing)"
    line = exc.line + line_offset
    return NeurosymError(ErrorKind.SYNTAX, f"{what}: {found}{wanted}{hint}", line, exc.column)
