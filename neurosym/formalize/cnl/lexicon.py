"""The lexicon: word classes, lemmas, and the FOL names words become.

The fragment has no fixed vocabulary of content words (invented words such as "wumpus" work), so the
lexicon is the closed classes (function words, and the words refused outright) plus rules: plurals and
verb forms to lemmas, words to predicate and constant names, and `Lexicon`, the names and nouns a text
itself fixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from neurosym.formalize.cnl.sentences import Sentence, Token
from neurosym.lang.fol import FREE_VARIABLE_NAME

COPULAS = {"is", "are"}
AUXILIARIES = {"does", "do"}
PRONOUNS = {"it", "they", "them", "he", "she", "him", "her"}
INDEFINITES = {"something", "someone", "somebody", "anything", "anyone", "anybody"}
EVERYTHING = {"everything", "everyone", "everybody"}
GENERIC_NOUNS = {"thing", "things", "person", "people", "persons", "one", "ones"}  # as subjects: no predicate
RELATIVES = {"that", "who", "which"}
VERBAL = COPULAS | AUXILIARIES
OBJECT_STARTERS = {"the", "a", "an"} | PRONOUNS | INDEFINITES
CLAUSE_END = {"and", "or", "then", ",", "that", "who", "which", "but"}
NOTHING = {"nothing", "nobody", "noone"}
FUNCTION_WORDS = (COPULAS | AUXILIARIES | PRONOUNS | INDEFINITES | EVERYTHING | NOTHING | RELATIVES
                  | CLAUSE_END | {"if", "all", "every", "each", "no", "some", "not", "the", "a", "an",
                                  "either", "there", "both"})
# Words that never occur in the fragment: prepositions, adverbs, other tenses and auxiliaries, other
# determiners. Refusing them up front keeps "Bob performs in shows often." from parsing as something else.
REFUSED_WORDS = {
    "in", "on", "at", "for", "from", "with", "by", "of", "to", "into", "onto", "about", "above", "below",
    "under", "over", "between", "among", "through", "during", "before", "after", "since", "until", "against",
    "without", "within", "along", "across", "behind", "beyond", "near", "than", "as", "per", "via",
    "never", "always", "often", "sometimes", "usually", "rarely", "regularly", "very", "too", "also", "only",
    "just", "even", "really", "most", "more", "less", "least", "much", "many", "few", "several", "quite",
    "almost", "already", "yet", "again", "ever", "was", "were", "been", "be", "being", "has",
    "have", "had", "will", "would", "can", "could", "shall", "should", "may", "might", "must", "did", "this",
    "these", "those", "its", "their", "his", "our", "my", "your", "any", "what", "when", "where", "why",
    "how", "whose", "whom", "because", "although", "though", "unless", "while", "whereas", "so", "nor",
}
IRREGULAR_PLURALS = {"people": "person", "mice": "mouse", "children": "child", "men": "man", "women": "woman",
                     "geese": "goose", "feet": "foot", "teeth": "tooth", "oxen": "ox", "sheep": "sheep"}
IRREGULAR_VERBS = {"has": "have", "does": "do", "is": "be", "are": "be"}
FOL_KEYWORDS = {"forall", "all", "exists", "exist", "some", "true", "false"}
VARIABLE = "x"  # the one variable a sentence may have; constant_name never gives a variable's name


def singular_noun(word: str) -> str:
    """The singular of a plural noun ("wumpuses" -> "wumpus", "mice" -> "mouse"); singulars pass through.

    Examples:
        >>> [singular_noun(w) for w in ["wumpuses", "mice", "puppies", "gentlemen", "cat", "bus"]]
        ['wumpus', 'mouse', 'puppy', 'gentleman', 'cat', 'bus']
    """
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("men") and len(word) > 3:
        return word[:-3] + "man"
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def verb_lemma(word: str) -> str:
    """The base form of a third-person singular verb ("chases" -> "chase", "misses" -> "miss").

    Examples:
        >>> [verb_lemma(w) for w in ["chases", "misses", "carries", "goes", "does", "like"]]
        ['chase', 'miss', 'carry', 'go', 'do', 'like']
    """
    if word in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _identifier(word: str) -> str:
    return re.sub(r"\W+", "_", word).strip("_") or "x"


def predicate_name(word: str) -> str:
    """FOL predicate for a content word: capitalized, so it never collides with a lowercase constant.

    Examples:
        >>> predicate_name("chase"), predicate_name("true"), predicate_name("well-known")
        ('Chase', 'True_', 'Well_known')
    """
    name = _identifier(word)
    name = name[0].upper() + name[1:]
    return name + "_" if name.lower() in FOL_KEYWORDS else name


def constant_name(words: list[str]) -> str:
    """FOL constant for a name or a definite description; never a keyword or a variable's name.

    Examples:
        >>> constant_name(["the", "bald", "eagle"]), constant_name(["Big", "Bob"]), constant_name(["x"])
        ('the_bald_eagle', 'big_bob', 'x_')
    """
    name = _identifier("_".join(words).lower())
    return name + "_" if name in FOL_KEYWORDS or FREE_VARIABLE_NAME.match(name) else name


def content_word(token: Token) -> bool:
    """A content word: an adjective, noun, verb or name, not a function word or punctuation."""
    return token.low not in FUNCTION_WORDS and token.low[:1].isalpha()


def plain_word(token: Token) -> bool:
    """A content word (or a comma inside an adjective list)."""
    return token.low == "," or (token.low not in FUNCTION_WORDS and token.low[:1].isalpha())


@dataclass
class Lexicon:
    """Words whose class the text fixes: names (capitalized inside a sentence), nouns (after a/an...)."""

    names: set[str] = field(default_factory=set)
    nouns: set[str] = field(default_factory=set)

    @classmethod
    def collect(cls, sentences: list[Sentence]) -> Lexicon:
        lexicon = cls()
        for sentence in sentences:
            tokens = sentence.tokens
            for i, token in enumerate(tokens):
                if token.capitalized and token.low not in FUNCTION_WORDS and i > 0:
                    lexicon.names.add(token.low)
                if token.low in {"a", "an", "every", "each", "no", "all"}:
                    j = i + 1
                    while j < len(tokens) and plain_word(tokens[j]):
                        j += 1
                    if j > i + 1 and tokens[j - 1].low != ",":
                        lexicon.nouns.add(singular_noun(tokens[j - 1].low))
        lexicon.nouns -= GENERIC_NOUNS
        return lexicon

