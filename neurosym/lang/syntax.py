"""Parse with a Lark grammar; turn Lark's exceptions into located errors that say what was expected.

Every language module parses through `parse_located`, so every syntax error in neurosym has the same
shape: kind `syntax`, the line and column in the program the user wrote, the offending text, and the
tokens that would have been accepted, spelled as a user writes them rather than as Lark names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import lark

from neurosym.result import ErrorKind, NeurosymError

MAX_EXPECTED_SHOWN = 8


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


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
                  spellings: Mapping[str, str] | None = None) -> Any:
    """`parser.parse(text)` (a tree, or what an inline transformer built), or NeurosymError(SYNTAX)
    located at `first_line` + the line inside `text`."""
    spellings = spellings or {}
    try:
        return parser.parse(text)
    except lark.UnexpectedCharacters as exc:
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "end of input"
        message = f"{what}: unexpected character {char!r}; expected {describe_expected(parser, exc.allowed, spellings)}"
        raise NeurosymError(ErrorKind.SYNTAX, message, first_line + exc.line - 1, exc.column) from None
    except lark.UnexpectedEOF as exc:
        row, column = line_column(text, len(text.rstrip()))
        message = f"{what} ends too early; expected {describe_expected(parser, exc.expected, spellings)}"
        raise NeurosymError(ErrorKind.SYNTAX, message, first_line + row - 1, column) from None
    except lark.UnexpectedToken as exc:
        if exc.token.type == "$END":
            row, column = line_column(text, len(text.rstrip()))
            found = f"{what} ends too early"
        else:
            row, column, found = exc.line, exc.column, f"{what}: unexpected {str(exc.token)!r}"
        message = f"{found}; expected {describe_expected(parser, exc.expected, spellings)}"
        raise NeurosymError(ErrorKind.SYNTAX, message, first_line + row - 1, column) from None
