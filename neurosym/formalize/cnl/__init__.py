"""Controlled English -> first-order logic (open or rules world) or Prolog (closed world), with no model.

A deterministic parser for a documented fragment of English (docs/cnl.md gives every construction with an
example). It is the default formalizer when no LLM is configured, and the baseline an LLM route must beat.
A sentence outside the fragment is never guessed at: it is refused with its line and column.

The package, in the order a text flows through it:
    sentences  tokens and sentences with their positions
    lexicon    word classes, lemmas, the FOL names words become, the names and nouns a text fixes
    parser     one sentence -> a `neurosym.lang.fol` formula; a text and its question -> a Translation
    worlds     a Translation read in the open world (FOL text), the rules world (FOL text with negated
               atoms as atoms of their own) or the closed world (Prolog), and `formalize_problem`

Examples:
    >>> from neurosym.formalize.cnl import translate
    >>> text = "Every wumpus is a tumpus. Wumpuses are not bright. Max is a wumpus."
    >>> translate(text, "Is Max bright?")
    (['∀x (Wumpus(x) → Tumpus(x))', '∀x (Wumpus(x) → ¬Bright(x))', 'Wumpus(max)'], 'Bright(max)')
"""

from neurosym.formalize.cnl.parser import (
    Translation,
    parse_sentence,
    sentence_coverage,
    statement_of_question,
    translate_text,
)
from neurosym.formalize.cnl.sentences import Sentence, split_sentences
from neurosym.formalize.cnl.worlds import WORLDS, formalize_problem, to_prolog, to_rules_fol, translate

__all__ = ["WORLDS", "Sentence", "Translation", "formalize_problem", "parse_sentence", "sentence_coverage",
           "split_sentences", "statement_of_question", "to_prolog", "to_rules_fol", "translate",
           "translate_text"]
