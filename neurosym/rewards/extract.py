"""Find the answer in what a policy model wrote: after its reasoning, inside its answer markers.

The rule, in order (documented in docs/rewards.md):
1. A completion longer than the cap is refused before anything reads it.
2. Reasoning: everything up to the last `</think>` is dropped; a `<think>` that is never closed means the
   model never reached an answer.
3. The answer is the content of the last closed `<answer>...</answer>`; else of the last `\\boxed{...}`
   (braces balanced); else the last non-empty line, with a leading "Answer:" / "Final answer:" removed.
Program mode looks for the last fenced block (```fol ... ```) of the task's language instead.

Everything here is a linear scan or a regex without nested quantifiers over text already capped, so it
cannot hang; nothing a model wrote is evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THINK_OPEN = re.compile(r"<think(?:ing)?>", re.IGNORECASE)
THINK_CLOSE = re.compile(r"</think(?:ing)?>", re.IGNORECASE)
ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.IGNORECASE | re.DOTALL)
BOXED = "\\boxed{"
LEAD_IN = re.compile(r"^\s*(?:\*\*)?(?:final\s+answer|answer)(?:\*\*)?\s*(?:is)?\s*[:=-]?\s*(?:\*\*)?\s*",
                     re.IGNORECASE)
FENCE = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)

# The fence names a language may be written with.
FENCE_NAMES = {
    "fol": ("fol", "folio", "logic", "first-order-logic"),
    "prolog": ("prolog", "pl", "swipl"),
    "pddl": ("pddl",),
    "scm": ("scm", "causal"),
    "kk": ("kk",),
}


class TooLong(ValueError):
    """The completion is over the length cap."""


@dataclass(frozen=True)
class Extracted:
    """An answer found in a completion: its text, where it was found, and the text after the reasoning."""

    text: str | None  # None: no answer at all
    how: str  # "answer_tag" | "boxed" | "last_line" | "fence" | "none" | "unclosed_think"
    body: str  # the completion after its reasoning block

    @property
    def formatted(self) -> bool:
        """Did the model use an explicit answer format (not the last-line fallback)?"""
        return self.how in ("answer_tag", "boxed", "fence")


def after_reasoning(completion: str, cap: int) -> str | None:
    """The completion after its reasoning block; None when a `<think>` is never closed.

    >>> after_reasoning("<think>hmm</think> 42", 100)
    ' 42'
    """
    if len(completion) > cap:
        raise TooLong(f"the completion is {len(completion)} characters, over the cap of {cap}")
    closes = list(THINK_CLOSE.finditer(completion))
    if closes:
        return completion[closes[-1].end():]
    if THINK_OPEN.search(completion):
        return None
    return completion


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed{...}` with balanced braces, or None.

    >>> last_boxed(r"so \\boxed{\\text{True}}.")
    '\\\\text{True}'
    """
    start = text.rfind(BOXED)
    while start != -1:
        depth, i = 1, start + len(BOXED)
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            return text[start + len(BOXED): i - 1]
        start = text.rfind(BOXED, 0, start)
    return None


def extract_answer(completion: str, cap: int) -> Extracted:
    """The final answer of a completion by the rule in the module docstring.

    >>> extract_answer("<think>x</think><answer> True </answer>", 1000).text
    'True'
    >>> extract_answer("Let me see.\\nAnswer: false", 1000)
    Extracted(text='false', how='last_line', body='Let me see.\\nAnswer: false')
    """
    body = after_reasoning(completion, cap)
    if body is None:
        return Extracted(None, "unclosed_think", "")
    tags = ANSWER_TAG.findall(body)
    if tags:
        return Extracted(tags[-1].strip(), "answer_tag", body)
    boxed = last_boxed(body)
    if boxed is not None:
        return Extracted(_unwrap_text(boxed).strip(), "boxed", body)
    for line in reversed(body.splitlines()):
        if line.strip():
            return Extracted(LEAD_IN.sub("", line).strip(), "last_line", body)
    return Extracted(None, "none", body)


def _unwrap_text(value: str) -> str:
    r"""`\text{True}` -> `True`: models often box words in LaTeX text macros."""
    match = re.fullmatch(r"\s*\\(?:text|textbf|mathrm|mathbf)\{(.*)\}\s*", value, re.DOTALL)
    return match.group(1) if match else value


def extract_block(completion: str, language: str, cap: int) -> Extracted:
    """The last fenced block of `language` (by any of its FENCE_NAMES) after the reasoning.

    >>> extract_block("Here:\\n```fol\\nP(a)\\n⊢ P(a)\\n```", "fol", 1000).text
    'P(a)\\n⊢ P(a)\\n'
    """
    body = after_reasoning(completion, cap)
    if body is None:
        return Extracted(None, "unclosed_think", "")
    names = FENCE_NAMES.get(language, (language,))
    blocks = [m.group(2) for m in FENCE.finditer(body) if m.group(1).lower() in names]
    if blocks:
        return Extracted(blocks[-1], "fence", body)
    return Extracted(None, "none", body)
