"""Controlled English -> first-order logic (open or rules world) or Prolog (closed world), with no model.

A deterministic parser for a documented fragment of English (docs/cnl.md gives every construction with an
example). It is the default formalizer when no LLM is configured, and the baseline an LLM route must beat.
A sentence outside the fragment is never guessed at: it raises NeurosymError(UNSUPPORTED) quoting the
sentence, with its line and the column of the word where parsing stopped. Prepositions, adverbs, other
tenses and possessives are refused at the word, so ordinary prose cannot be misread as the fragment.

The fragment, in outline (the docs hold the full grammar):

    sentence    := "if" clauses [","] "then" clauses      (a rule; "something"/"someone" is its variable)
                 | ("all"|"every"|"each"|"no"|"a"|"an") nominal vp
                 | generic-plural vp                        ("Red, cold things are round.")
                 | ("something"|"someone") ("that"|"who") vp vp | "everything" vp | "something" vp
                 | "some" nominal vp | ("nothing"|"nobody"|"no one") vp | "there is" ("a"|"an") nominal
                 | subject vp                               ("Bob is big.", "The cat chases Bob.")
    vp          := vp1 ("and" vp1)*
    vp1         := copula ["not"] ("either" pred "or" pred | pred (("," | "and" | "or") ["not"] pred)*)
                 | ("does"|"do") ["not"] verb [object] | verb [object]
    pred        := adjective | ("a"|"an") adjective* noun | plural-noun
    nominal     := (adjective [","|"and"])* noun [("that"|"who"|"which") vp]

Examples:
    >>> from neurosym.formalize.cnl import translate
    >>> text = "Every wumpus is a tumpus. Wumpuses are not bright. Max is a wumpus."
    >>> premises, conclusion = translate(text, "Is Max bright?")
    >>> premises
    ['forall x (Wumpus(x) -> Tumpus(x))', 'forall x (Wumpus(x) -> ~Bright(x))', 'Wumpus(max)']
    >>> conclusion
    'Bright(max)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError

# --------------------------------------------------------------------------------------------- formulas


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Const:
    name: str


Term = Var | Const


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[Term, ...]


@dataclass(frozen=True)
class Not:
    body: Formula


@dataclass(frozen=True)
class And:
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Formula, ...]
    exclusive: bool = False


@dataclass(frozen=True)
class Implies:
    left: Formula
    right: Formula


@dataclass(frozen=True)
class Quant:
    kind: str  # "forall" | "exists"
    var: Var
    body: Formula


Formula = Atom | Not | And | Or | Implies | Quant

VP = Callable[[Term], Formula]


def conj(parts: list[Formula]) -> Formula:
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def negate(formula: Formula) -> Formula:
    return formula.body if isinstance(formula, Not) else Not(formula)


# ------------------------------------------------------------------------------------------- the lexicon

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
CONTRACTIONS = {"isn't": ("is", "not"), "aren't": ("are", "not"), "doesn't": ("does", "not"),
                "don't": ("do", "not")}
FOL_KEYWORDS = {"forall", "all", "exists", "exist", "some", "true", "false"}
PROLOG_RESERVED = {"is", "mod", "rem", "xor", "div", "rdiv", "dynamic", "table", "discontiguous",
                   "initialization", "meta_predicate", "module_transparent", "multifile", "public",
                   "thread_local", "not", "call"}


def singular_noun(word: str) -> str:
    """The singular of a plural noun ("wumpuses" -> "wumpus", "mice" -> "mouse"); singulars pass through."""
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
    """The base form of a third-person singular verb ("chases" -> "chase", "misses" -> "miss")."""
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
    """FOL predicate for a content word: capitalized, so it never collides with a lowercase constant."""
    name = _identifier(word)
    name = name[0].upper() + name[1:]
    return name + "_" if name.lower() in FOL_KEYWORDS else name


def constant_name(words: list[str]) -> str:
    name = _identifier("_".join(words).lower())
    return name + "_" if name in FOL_KEYWORDS or name in {"x", "y", "z"} else name


# ------------------------------------------------------------------------------------------- tokenizing


@dataclass(frozen=True)
class Token:
    text: str
    low: str
    offset: int  # in the whole text

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass
class Sentence:
    number: int  # 1-based among the sentences of the text
    text: str
    offset: int
    line: int
    column: int
    tokens: list[Token]


WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*|,|\S")
SENTENCE = re.compile(r"[^.!?]+[.!?]?")


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a text (ended by . ! or ?), each with its line, column and tokens."""
    sentences = []
    line, line_start, scanned = 1, 0, 0  # counted incrementally: 10,000 sentences stay linear
    for match in SENTENCE.finditer(text):
        chunk = match.group(0)
        if not chunk.strip():
            continue
        start = match.start() + (len(chunk) - len(chunk.lstrip()))
        body = chunk.strip()
        body_no_stop = body[:-1] if body[-1] in ".!?" else body
        tokens: list[Token] = []
        for word in WORD.finditer(body_no_stop):
            raw = word.group(0).replace("’", "'")
            low = raw.lower()
            if low in CONTRACTIONS:
                first, second = CONTRACTIONS[low]
                at = start + word.start()
                tokens += [Token(raw, first, at), Token("not", second, at)]
            else:
                tokens.append(Token(raw, low, start + word.start()))
        newlines = text.count("\n", scanned, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", scanned, start) + 1
        scanned = start
        column = start - line_start + 1
        sentences.append(Sentence(len(sentences) + 1, body, start, line, column, tokens))
    return sentences


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
                    while j < len(tokens) and _plain(tokens[j]):
                        j += 1
                    if j > i + 1 and tokens[j - 1].low != ",":
                        lexicon.nouns.add(singular_noun(tokens[j - 1].low))
        lexicon.nouns -= GENERIC_NOUNS
        return lexicon


def quoted(text: str, limit: int = 200) -> str:
    """A sentence in quotes for a message, cut short so that a 30,000-word sentence stays readable."""
    return f'"{text}"' if len(text) <= limit else f'"{text[:limit]}..." ({len(text)} characters)'


def _content(token: Token) -> bool:
    """A content word: an adjective, noun, verb or name, not a function word or punctuation."""
    return token.low not in FUNCTION_WORDS and token.low[:1].isalpha()


def _plain(token: Token) -> bool:
    """A content word (or a comma inside an adjective list)."""
    return token.low == "," or (token.low not in FUNCTION_WORDS and token.low[:1].isalpha())


# ------------------------------------------------------------------------------------------- the parser


class _Parser:
    """Parses one sentence into a Formula; every failure names the word and what was expected there."""

    def __init__(self, sentence: Sentence, lexicon: Lexicon, text: str, what: str):
        self.s = sentence
        self.toks = sentence.tokens
        self.i = 0
        self.lex = lexicon
        self.text = text
        self.what = what
        self.var = Var("x")
        self.var_used = False
        self.last_entity: Term | None = None

    # -- helpers
    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def low(self, k: int = 0) -> str:
        token = self.peek(k)
        return token.low if token else ""

    def accept(self, *words: str) -> Token | None:
        token = self.peek()
        if token is not None and token.low in words:
            self.i += 1
            return token
        return None

    def expect(self, *words: str) -> Token:
        token = self.accept(*words)
        if token is None:
            self.fail(" or ".join(f'"{w}"' for w in words))
        return token

    def fail(self, expected: str) -> NoReturn:
        token = self.peek()
        offset = token.offset if token else self.s.offset + len(self.s.text.rstrip(".!?"))
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        found = f'at "{token.text}"' if token else "at the end of the sentence"
        raise NeurosymError(ErrorKind.UNSUPPORTED,
                            f'{self.what} {self.s.number} is outside the controlled-English fragment: '
                            f'{quoted(self.s.text)}: {found}, expected {expected}', line, column)

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def clause_end(self, k: int = 0) -> bool:
        token = self.peek(k)
        return token is None or token.low in CLAUSE_END

    def is_name(self, k: int = 0) -> bool:
        """A proper name: capitalized, not a function word; sentence-initial only if used like a name."""
        token = self.peek(k)
        if token is None or not token.capitalized or not _content(token):
            return False
        if self.i + k > 0 or token.low in self.lex.names:
            return True
        after, then = self.low(k + 1), self.peek(k + 2)
        following = self.peek(k + 1)
        if after in {"is", "does"}:
            return True
        if following is not None and following.capitalized and _content(following):
            return True  # "Family Secrets is ...": consecutive capitalized words are one name
        if after.endswith("s") and after not in GENERIC_NOUNS and (then is None or _content(then)):
            return True  # "Walden contains knowledge": a name and a verb, not the plural "Walden contains"
        return after.endswith("s") and (then is None or then.low in OBJECT_STARTERS
                                        or (then.capitalized and then.low not in FUNCTION_WORDS))

    def starts_object(self, k: int) -> bool:
        """Does an object (or the end of a clause) start k tokens ahead? Tells a verb from a noun."""
        token = self.peek(k)
        if token is None or token.low in CLAUSE_END:
            return True
        return token.low in OBJECT_STARTERS | EVERYTHING or self.is_name(k)

    def starts_subject(self, k: int = 0) -> bool:
        low = self.low(k)
        return low in {"the"} | PRONOUNS | INDEFINITES or self.is_name(k)

    def verb_here(self, k: int = 0, subject: bool = True) -> bool:
        """A verb at k: a content word followed by an object or (after a subject) the end of the clause."""
        token = self.peek(k)
        if token is None or not _content(token):
            return False
        nxt = self.peek(k + 1)
        if nxt is None or (nxt.low in CLAUSE_END and nxt.low not in RELATIVES):
            return subject
        return self.starts_object(k + 1) and nxt.low not in CLAUSE_END

    # -- terms
    def entity(self, subject: bool) -> Term:
        """A name ("Bob", "Big Bob") or a definite description ("the bald eagle")."""
        words: list[str] = []
        if self.accept("the"):
            while self.peek() is not None and _plain(self.peek()) and self.low() != ",":
                if words and subject and self.verb_here():
                    break
                words.append(self.peek().low)
                self.i += 1
            if not words:
                self.fail("a noun after \"the\"")
            term: Term = Const(constant_name(["the", *words]))
        elif self.is_name():
            while self.is_name() and (not words or self.peek().capitalized):
                words.append(self.peek().low)
                self.i += 1
            term = Const(constant_name(words))
        else:
            self.fail('a name or "the ..."')
        self.last_entity = term
        return term

    def subject(self, in_rule: bool) -> tuple[Term, bool]:
        """A clause's subject and whether it is plural."""
        low = self.low()
        if low in INDEFINITES and in_rule:
            self.i += 1
            self.var_used = True
            return self.var, False
        if low in PRONOUNS:
            self.i += 1
            if self.var_used:
                return self.var, low == "they"
            if self.last_entity is not None:
                return self.last_entity, low == "they"
            self.i -= 1
            self.fail(f'something for "{low}" to refer to (a name or "something" before it)')
        return self.entity(subject=True), False

    def object(self) -> Term:
        low = self.low()
        if low in PRONOUNS:
            self.i += 1
            if self.var_used:
                return self.var
            if self.last_entity is not None:
                return self.last_entity
            self.i -= 1
            self.fail(f'something for "{low}" to refer to (a name or "something" before it)')
        return self.entity(subject=False)

    # -- verb phrases
    def vp(self, plural_subject: bool = False) -> VP:
        parts = [self.vp1(plural_subject)]
        while self.low() == "and" and (self.low(1) in VERBAL or self.verb_here(1, subject=False)):
            self.i += 1
            parts.append(self.vp1(plural_subject))
        if len(parts) == 1:
            return parts[0]
        return lambda t: conj([p(t) for p in parts])

    def vp1(self, plural_subject: bool = False) -> VP:
        token = self.peek()
        if token is None:
            self.fail("a verb phrase")
        if token.low in COPULAS:
            plural = token.low == "are"
            self.i += 1
            if self.accept("either"):
                first = self.predicate(plural)
                self.expect("or")
                second = self.predicate(plural)
                return lambda t: Or((first(t), second(t)), exclusive=True)
            return self.predicate_list(plural)
        if token.low in AUXILIARIES:
            self.i += 1
            negative = bool(self.accept("not"))
            verb = self.verb(base=True)
            return (lambda t: negate(verb(t))) if negative else verb
        if _content(token):
            return self.verb(base=plural_subject)
        self.fail('"is", "are", "does not" or a verb')

    def verb(self, base: bool) -> VP:
        token = self.peek()
        if token is None or not _content(token):
            self.fail("a verb")
        self.i += 1
        lemma = token.low if base else verb_lemma(token.low)
        name = predicate_name(lemma)
        if self.clause_end() or self.low() in VERBAL:
            return lambda t: Atom(name, (t,))
        obj = self.object()
        return lambda t: Atom(name, (t, obj))

    def predicate_list(self, plural: bool) -> VP:
        """After a copula: "[not] A", "A, B and not C", "A or B"."""
        items = [self.signed_predicate(plural)]
        joiner = None
        while self.low() in {",", "and", "or"}:
            k = 1 if self.low() != "," else (2 if self.low(1) in {"and", "or"} else 1)
            nxt = self.low(k)
            new_clause = nxt in VERBAL or self.starts_subject(k) or self.verb_here(k, subject=False)
            if new_clause or not (nxt in {"not", "a", "an", "either"} or _content(self.peek(k))):
                break
            word = self.low() if self.low() != "," else (self.low(1) if k == 2 else None)
            if word in {"and", "or"}:
                if joiner and joiner != word:
                    self.fail('one connective ("and" or "or") throughout the list')
                joiner = word
            self.i += k
            items.append(self.signed_predicate(plural))
        if joiner == "or":
            return lambda t: Or(tuple(item(t) for item in items))
        return items[0] if len(items) == 1 else (lambda t: conj([item(t) for item in items]))

    def signed_predicate(self, plural: bool) -> VP:
        if self.accept("not"):
            if self.accept("either"):
                first = self.predicate(plural)
                self.expect("or")
                second = self.predicate(plural)
                return lambda t: Not(Or((first(t), second(t)), exclusive=True))
            inner = self.predicate(plural)
            return lambda t: negate(inner(t))
        return self.predicate(plural)

    def predicate(self, plural: bool) -> VP:
        token = self.peek()
        if token is not None and token.low in {"a", "an"}:
            self.i += 1
            return self.nominal(number="singular", restriction=False)
        if token is None or not _content(token):
            self.fail('an adjective, or "a"/"an" and a noun')
        if token.capitalized:  # "Bob is Robert": a name or an adjective? Not guessed.
            self.fail('a lowercase adjective or "a"/"an" and a noun (a capitalized word could be a name)')
        self.i += 1
        noun = singular_noun(token.low)
        if plural and (noun != token.low or noun in self.lex.nouns):
            name = predicate_name(noun)
        else:
            name = predicate_name(token.low)
        return lambda t: Atom(name, (t,))

    def nominal(self, number: str, restriction: bool = True) -> VP:
        """Adjectives and a noun ("rough, nice people", "big wumpus"), with an optional relative clause.

        `number` is "singular", "plural" or "any"; a plural noun is required where the grammar says so, which
        keeps "Dogs chase cats." (a bare plural object, outside the fragment) from parsing as something else.
        As a subject restriction (`restriction`), "things"/"people" add no predicate and a verb may follow.
        """
        words: list[str] = []
        while self.peek() is not None and _plain(self.peek()):
            if words and self.low() != "," and restriction and self.verb_here():
                break
            if self.low() != ",":
                words.append(self.low())
            self.i += 1
            if self.low() == "and" and _plain(self.peek(1)) and not self.verb_here(1):
                self.i += 1
        if not words:
            self.fail("a noun")
        *adjectives, noun_word = words
        noun = singular_noun(noun_word)
        is_plural = noun != noun_word
        for back, adjective in enumerate(reversed(adjectives), start=2):
            if singular_noun(adjective) != adjective:  # "No one gets flu", "Walden contains knowledge"
                self.i -= back
                self.fail('an adjective: a verb or plural noun cannot come before the noun of a subject')
        if number == "plural" and not is_plural:
            self.i -= 1
            self.fail('a plural noun ending the subject (as in "Red, cold things are ...") followed by '
                      '"are", "do not" or a verb with a name or "the ..." as its object')
        if number == "singular" and is_plural:
            self.i -= 1
            self.fail(f'a singular noun after "a"/"every"/"each", not "{noun_word}"')
        preds = [predicate_name(a) for a in adjectives]
        if not (restriction and noun in GENERIC_NOUNS):
            preds.append(predicate_name(noun))
        relative: VP | None = None
        if restriction and self.accept(*RELATIVES):
            relative = self.vp(plural_subject=is_plural)

        def restrict(t: Term) -> Formula:
            parts: list[Formula] = [Atom(p, (t,)) for p in preds]
            if relative is not None:
                parts.append(relative(t))
            return conj(parts) if parts else unrestricted(t)

        return restrict

    # -- sentences
    def statement(self) -> Formula:
        low = self.low()
        x = self.var
        if low == "if":
            self.i += 1
            condition = self.clauses(in_rule=True, stop="then")
            self.expect("then")
            consequent = self.clauses(in_rule=False, stop=None)
            formula: Formula = Implies(condition, consequent)
            return Quant("forall", x, formula) if self.var_used else formula
        if low in QUANTIFIER_NUMBER and not (low == "no" and self.low(1) == "one"):
            self.i += 1
            restriction = self.nominal(QUANTIFIER_NUMBER[low])
            body = self.vp(plural_subject=low == "all")
            return _universal(x, restriction(x), negate(body(x)) if low == "no" else body(x))
        if low in EVERYTHING or (low in INDEFINITES and self.low(1) in RELATIVES):
            self.i += 1
            restriction = self.vp() if self.accept(*RELATIVES) else unrestricted
            body = self.vp()
            return _universal(x, restriction(x), body(x))
        if low in INDEFINITES:
            self.i += 1
            return Quant("exists", x, self.vp()(x))
        if low in NOTHING or (low == "no" and self.low(1) == "one"):
            self.i += 1 if low in NOTHING else 2
            restriction = self.vp() if self.accept(*RELATIVES) else unrestricted
            body = self.vp()
            return _universal(x, restriction(x), negate(body(x)))
        if low == "some":
            self.i += 1
            restriction = self.nominal("any")
            body = self.vp(plural_subject=True)
            return Quant("exists", x, conj([restriction(x), body(x)]))
        if low == "there" and self.low(1) in COPULAS:
            self.i += 2
            self.expect("a", "an", "some")
            restriction = self.nominal("any")
            return Quant("exists", x, restriction(x))
        if self.starts_subject():
            return self.clauses(in_rule=False, stop=None)
        if self.peek() is not None and _plain(self.peek()) and low != ",":
            restriction = self.nominal("plural")
            body = self.vp(plural_subject=True)
            return _universal(x, restriction(x), body(x))
        self.fail('a name, "the ...", "if", "all", "every", "no" or a plural noun')

    def clauses(self, in_rule: bool, stop: str | None) -> Formula:
        parts = [self.clause(in_rule)]
        while self.accept("and"):
            if not self.starts_subject():
                self.fail("a subject (a name, \"the ...\", \"it\" or \"something\") after \"and\"")
            parts.append(self.clause(in_rule))
        if stop is not None and self.low() == "," and self.low(1) == stop:
            self.i += 1
        if stop is None and not self.at_end():
            self.fail("the end of the sentence")
        return conj(parts)

    def clause(self, in_rule: bool) -> Formula:
        term, plural = self.subject(in_rule)
        return self.vp(plural_subject=plural)(term)


QUANTIFIER_NUMBER = {"all": "plural", "every": "singular", "each": "singular", "no": "any", "a": "singular",
                     "an": "singular"}


def unrestricted(term: Term) -> Formula:
    """The restriction of "everything": none (`_universal` drops it)."""
    return Atom("__any__", (term,))


def _universal(x: Var, restriction: Formula, body: Formula) -> Formula:
    if isinstance(restriction, Atom) and restriction.pred == "__any__":
        return Quant("forall", x, body)
    return Quant("forall", x, Implies(restriction, body))


# ------------------------------------------------------------------------------------------- printing


def to_fol(formula: Formula, top: bool = True) -> str:
    """ASCII FOL, parenthesized so that no precedence rule matters."""
    match formula:
        case Atom(pred, args):
            return f"{pred}({', '.join(_term(a) for a in args)})" if args else pred
        case Not(body):
            return f"~{to_fol(body, top=False)}"
        case And(parts):
            text = " & ".join(to_fol(p, top=False) for p in parts)
        case Or(parts, exclusive) if exclusive:
            a, b = (to_fol(p, top=False) for p in parts)
            text = f"({a} | {b}) & ~({a} & {b})"
        case Or(parts):
            text = " | ".join(to_fol(p, top=False) for p in parts)
        case Implies(left, right):
            text = f"{to_fol(left, top=False)} -> {to_fol(right, top=False)}"
        case Quant(kind, var, body):
            inner = to_fol(body, top=True)
            text = f"{kind} {var.name} ({inner})"
            return text if top else f"({text})"
    return text if top else f"({text})"


def _term(term: Term) -> str:
    return term.name


def to_prolog_clauses(formula: Formula, where: str) -> list[str]:
    """Horn clauses for a fact or rule; anything else is UNSUPPORTED in the closed world."""
    body: list[Formula] = []
    match formula:
        case Quant("forall", _, Implies(left, right)) | Implies(left, right):
            body = list(left.parts) if isinstance(left, And) else [left]
            heads = list(right.parts) if isinstance(right, And) else [right]
        case Quant("forall", _, inner):
            heads = list(inner.parts) if isinstance(inner, And) else [inner]
        case And(parts):
            heads = list(parts)
        case _:
            heads = [formula]
    if not all(isinstance(h, Atom) for h in heads):
        raise ValueError(f"{where}: a negative, disjunctive or existential statement has no closed-world "
                         "(Prolog) form")
    literals = []
    for literal in sorted(body, key=lambda f: isinstance(f, Not)):  # positives first: they bind the variable
        if isinstance(literal, Atom):
            literals.append(_prolog_atom(literal))
        elif isinstance(literal, Not) and isinstance(literal.body, Atom):
            literals.append(f"\\+ {_prolog_atom(literal.body)}")
        else:
            raise ValueError(f"{where}: a condition that is not a list of (negated) facts has no Prolog form")
    suffix = f" :- {', '.join(literals)}." if literals else "."
    clauses = [_prolog_atom(h) + suffix for h in heads]
    return [re.sub(r"\bX\b", "_", c) if len(re.findall(r"\bX\b", c)) == 1 else c for c in clauses]


def _prolog_atom(atom: Atom) -> str:
    name = atom.pred.lower()
    if name in PROLOG_RESERVED:
        name = f"'{name}'"
    args = [a.name.upper() if isinstance(a, Var) else a.name for a in atom.args]
    return f"{name}({', '.join(args)})" if args else name


# ------------------------------------------------------------------------------------------- public API

QUESTION_LEAD = re.compile(r"^(?:.*\?\s+|\s*(?:true or false|is it true that)\s*[:,]?\s*)(?=\S)",
                           re.IGNORECASE | re.DOTALL)
YES_NO = re.compile(r"^\s*(is|are|does|do)\s+(.+?)\s*\?\s*$", re.IGNORECASE | re.DOTALL)


@dataclass
class Translation:
    premises: list[Formula]
    lines: list[int]
    conclusion: Formula | None
    sentences: list[Sentence]


def parse_sentence(sentence: Sentence, lexicon: Lexicon, text: str, what: str = "sentence") -> Formula:
    """One sentence as a Formula; NeurosymError(UNSUPPORTED) with its position if outside the fragment."""
    if not sentence.tokens:
        raise NeurosymError(ErrorKind.SYNTAX, f'{what} {sentence.number} has no words: "{sentence.text}"',
                            sentence.line, sentence.column)
    parser = _Parser(sentence, lexicon, text, what)
    for index, token in enumerate(sentence.tokens):
        if token.low in REFUSED_WORDS or "'" in token.low:
            parser.i = index
            kind = ("a possessive or contraction" if "'" in token.low
                    else "a preposition, adverb, auxiliary, tense or determiner")
            parser.fail(f"a word of the fragment: \"{token.text}\" is {kind} the fragment does not have")
    try:
        formula = parser.statement()
    except RecursionError:  # "a thing that likes a thing that likes ..." thousands deep
        raise NeurosymError(ErrorKind.INPUT, f"{what} {sentence.number} is nested too deeply to parse",
                            sentence.line, sentence.column) from None
    if not parser.at_end():
        parser.fail("the end of the sentence")
    return formula


def statement_of_question(question: str) -> str:
    """The statement a question asks about: after a leading "...? " or "True or false:"; yes/no inverted."""
    text = QUESTION_LEAD.sub("", question.strip(), count=1)
    if match := YES_NO.match(text):
        return _invert(match.group(1).lower(), match.group(2))
    return text


def _invert(verb: str, rest: str) -> str:
    """ "Is Bob big" -> "Bob is big"; "Does the cat like Bob" -> "the cat does like Bob"."""
    probe = split_sentences(rest)
    if not probe:
        return rest
    lexicon = Lexicon.collect(probe)
    first = probe[0].tokens[0] if probe[0].tokens else None
    if first is not None and first.capitalized:
        lexicon.names.add(first.low)
    parser = _Parser(probe[0], lexicon, rest, "question")
    try:
        parser.entity(subject=True)
    except NeurosymError:
        first, _, others = rest.partition(" ")
        return f"{first} {verb} {others}."
    cut = parser.peek().offset if parser.peek() else len(rest)
    return f"{rest[:cut].rstrip()} {verb} {rest[cut:]}".strip() + "."


def translate_text(text: str, question: str | None) -> Translation:
    """Parse every sentence of the text (and the question); the first one outside the fragment raises."""
    if not text or not text.strip():
        raise NeurosymError(ErrorKind.INPUT, "the text is empty: there is nothing to reason from")
    sentences = split_sentences(text)
    statement = statement_of_question(question) if question and question.strip() else None
    question_sentences = split_sentences(statement) if statement else []
    lexicon = Lexicon.collect(sentences + question_sentences)
    premises = [parse_sentence(s, lexicon, text) for s in sentences]
    conclusion = None
    if statement is not None:
        if len(question_sentences) != 1:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f'the question must state one sentence, got '
                                                       f'{len(question_sentences)}: "{statement}"', 1, 1)
        conclusion = parse_sentence(question_sentences[0], lexicon, statement, "question sentence")
        known = set().union(*(_constants(p) for p in premises))
        unknown = _constants(conclusion) - known
        says_everything = any(isinstance(p, Quant) and p.kind == "forall" and not isinstance(p.body, Implies)
                              for p in premises)  # "Everything is red." speaks of every name, known or not
        if unknown and not says_everything:
            who = ", ".join(sorted(unknown))
            raise NeurosymError(ErrorKind.INPUT, f'the question "{statement}" names {who}, who appear(s) '
                                                 'nowhere in the text')
    return Translation(premises, [s.line for s in sentences], conclusion, sentences)


def _constants(formula: Formula) -> set[str]:
    found: set[str] = set()
    for node in _walk(formula):
        if isinstance(node, Atom):
            found |= {a.name for a in node.args if isinstance(a, Const)}
    return found


def _walk(formula: Formula) -> Iterator[Formula]:
    yield formula
    match formula:
        case Not(body) | Quant(_, _, body):
            yield from _walk(body)
        case And(parts) | Or(parts):
            for part in parts:
                yield from _walk(part)
        case Implies(left, right):
            yield from _walk(left)
            yield from _walk(right)


def translate(text: str, question: str) -> tuple[list[str], str]:
    """Premises and conclusion as FOL strings (the open-world route)."""
    translation = translate_text(text, question)
    assert translation.conclusion is not None
    return [to_fol(p) for p in translation.premises], to_fol(translation.conclusion)


def to_prolog(translation: Translation) -> tuple[str, str]:
    """A Prolog program (tabled, so cyclic rules terminate) and query, for the closed-world route."""
    clauses: list[str] = []
    for sentence, premise in zip(translation.sentences, translation.premises, strict=True):
        try:
            clauses += to_prolog_clauses(premise, f"sentence {sentence.number} {quoted(sentence.text)}")
        except ValueError as exc:
            raise NeurosymError(ErrorKind.UNSUPPORTED, str(exc), sentence.line, sentence.column) from None
    assert translation.conclusion is not None
    conclusion = translation.conclusion
    goals = conclusion.parts if isinstance(conclusion, And) else (conclusion,)
    query_parts = []
    for goal in goals:
        if isinstance(goal, Atom):
            query_parts.append(_prolog_atom(goal))
        elif isinstance(goal, Not) and isinstance(goal.body, Atom):
            query_parts.append(f"\\+ {_prolog_atom(goal.body)}")
        else:
            raise NeurosymError(ErrorKind.UNSUPPORTED, "the question has no closed-world (Prolog) form: only "
                                                       "facts and negated facts can be asked", 1, 1)
    signatures: dict[str, int] = {}
    heads: set[str] = set()
    for formula in [*translation.premises, translation.conclusion]:
        for node in _walk(formula):
            if isinstance(node, Atom):
                signatures[_prolog_atom(node).split("(")[0]] = len(node.args)
    for clause in clauses:
        if ":-" in clause:
            heads.add(clause.split("(")[0])
    by_name: dict[str, list[str]] = {}
    for clause in clauses:
        by_name.setdefault(clause.split("(")[0].split(" ")[0], []).append(clause)
    directives = [f":- table {name}/{arity}." if name in heads else f":- dynamic {name}/{arity}."
                  for name, arity in sorted(signatures.items())]
    body = [c for name in sorted(by_name) for c in by_name[name]]
    return "\n".join(directives + body) + "\n", ", ".join(query_parts)


WORLDS = ("open", "closed", "rules")


def _literal_atom(literal: Formula) -> Atom | None:
    """A literal as one atom of its own: `~Red(x)` becomes `Not_Red(x)`; None if not a literal."""
    if isinstance(literal, Atom):
        return literal
    if isinstance(literal, Not) and isinstance(literal.body, Atom):
        return Atom(f"Not_{literal.body.pred}", literal.body.args)
    return None


def _directional(formula: Formula, sentence: Sentence) -> Formula:
    """A sentence with every negated atom replaced by an atom of its own (the "rules" world)."""
    match formula:
        case Atom():
            return formula
        case Not(Atom(pred, args)):
            return Atom(f"Not_{pred}", args)
        case And(parts):
            return And(tuple(_directional(p, sentence) for p in parts))
        case Implies(left, right):
            return Implies(_directional(left, sentence), _directional(right, sentence))
        case Quant("forall", var, body):
            return Quant("forall", var, _directional(body, sentence))
    message = (f'sentence {sentence.number} {quoted(sentence.text)} uses "or", "either ... or", "something" '
               "or a negated compound, which the rules world (facts and if-then rules over literals) does "
               "not have")
    raise NeurosymError(ErrorKind.UNSUPPORTED, message, sentence.line, sentence.column)


def to_rules_fol(translation: Translation) -> dict[str, Any]:
    """FOL fields for ProofWriter's semantics: rules apply forwards only, never by contraposition.

    Each negated atom becomes an atom of its own (`Not_Red(bob)`), so every sentence is a definite clause
    and what follows is exactly what forward chaining derives. The one link between a literal and its
    complement is stated for the asked literal alone, so "false" means the complement was derived.
    """
    premises = [_directional(p, s) for s, p in zip(translation.sentences, translation.premises, strict=True)]
    assert translation.conclusion is not None
    asked = _literal_atom(translation.conclusion)
    if asked is None or any(isinstance(a, Var) for a in asked.args):
        raise NeurosymError(ErrorKind.UNSUPPORTED, "in the rules world the question must be one fact or "
                                                   "negated fact about named things", 1, 1)
    complement = _literal_atom(Not(asked) if not asked.pred.startswith("Not_")
                               else Atom(asked.pred.removeprefix("Not_"), asked.args))
    assert complement is not None
    link = Not(And((asked, complement)))
    return {"premises": [to_fol(p) for p in [*premises, link]], "conclusion": to_fol(asked),
            "lines": [*translation.lines, 1, 1]}


def formalize_problem(problem: Problem) -> Program:
    """The engine's entry point: text + question -> FOL (options.world: open, the default, or rules) or
    Prolog (closed)."""
    if problem.question is None or not str(problem.question).strip():
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has text but no question")
    options = dict(problem.options)
    world = str(options.get("world", "open")).lower()
    if world not in WORLDS:
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: unknown world {world!r} "
                                             f"(known: {', '.join(WORLDS)})")
    size = len(str(problem.text).encode("utf-8"))
    if size > problem.limits.max_input_bytes:  # checked before parsing: the parser runs in the caller
        raise NeurosymError(ErrorKind.INPUT, f"the text is {size} bytes, over the cap of "
                                             f"{problem.limits.max_input_bytes} bytes")
    translation = translate_text(str(problem.text), str(problem.question))
    if world == "closed":
        program, query = to_prolog(translation)
        return Program("prolog", {"program": program, "query": query}, origin="cnl", options=options)
    if world == "rules":
        return Program("fol", to_rules_fol(translation), origin="cnl", options=options)
    assert translation.conclusion is not None
    fields = {"premises": [to_fol(p) for p in translation.premises],
              "conclusion": to_fol(translation.conclusion), "lines": [*translation.lines, 1]}
    return Program("fol", fields, origin="cnl", options=options)


def sentence_coverage(text: str) -> tuple[int, list[tuple[Sentence, str]]]:
    """How many sentences of a text parse, and each one that does not with the reason: coverage reports."""
    sentences = split_sentences(text)
    lexicon = Lexicon.collect(sentences)
    failures = []
    for sentence in sentences:
        try:
            parse_sentence(sentence, lexicon, text)
        except NeurosymError as exc:
            failures.append((sentence, exc.info.message))
    return len(sentences), failures
