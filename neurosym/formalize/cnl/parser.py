"""The parser: one sentence of controlled English to a `neurosym.lang.fol` formula, or a located refusal.

The fragment, in outline (docs/cnl.md gives every construction with an example):

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

A sentence outside the fragment is never guessed at: it raises NeurosymError(UNSUPPORTED) quoting the
sentence, with its line and the column of the word where parsing stopped. Prepositions, adverbs, other
tenses and possessives are refused at the word, so ordinary prose cannot be misread as the fragment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from neurosym.formalize.cnl.lexicon import (
    AUXILIARIES,
    CLAUSE_END,
    COPULAS,
    EVERYTHING,
    FUNCTION_WORDS,
    GENERIC_NOUNS,
    INDEFINITES,
    NOTHING,
    OBJECT_STARTERS,
    PRONOUNS,
    REFUSED_WORDS,
    RELATIVES,
    VARIABLE,
    VERBAL,
    Lexicon,
    constant_name,
    content_word,
    plain_word,
    predicate_name,
    singular_noun,
    verb_lemma,
)
from neurosym.formalize.cnl.sentences import Sentence, Token, quoted, split_sentences
from neurosym.lang.fol import Atom, Connective, Formula, Not, Quantified, Term, subformulas
from neurosym.lang.syntax import line_column
from neurosym.result import ErrorKind, NeurosymError

VP = Callable[[Term], Formula]  # a verb phrase: what it says of a subject


def conj(parts: list[Formula]) -> Formula:
    return parts[0] if len(parts) == 1 else Connective("and", tuple(parts))


def negate(formula: Formula) -> Formula:
    return formula.body if isinstance(formula, Not) else Not(formula)


def exclusive_or(first: Formula, second: Formula) -> Formula:
    """The exclusive "either A or B", spelled (A ∨ B) ∧ ¬(A ∧ B) as the backends have always been given it."""
    return Connective("and", (Connective("or", (first, second)), Not(Connective("and", (first, second)))))


class _Parser:
    """Parses one sentence into a Formula; every failure names the word and what was expected there."""

    def __init__(self, sentence: Sentence, lexicon: Lexicon, text: str, what: str):
        self.s = sentence
        self.toks = sentence.tokens
        self.i = 0
        self.lex = lexicon
        self.text = text
        self.what = what
        self.var = Term(VARIABLE)
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
        line, column = line_column(self.text, offset)
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
        if token is None or not token.capitalized or not content_word(token):
            return False
        if self.i + k > 0 or token.low in self.lex.names:
            return True
        after, then = self.low(k + 1), self.peek(k + 2)
        following = self.peek(k + 1)
        if after in {"is", "does"}:
            return True
        if following is not None and following.capitalized and content_word(following):
            return True  # "Family Secrets is ...": consecutive capitalized words are one name
        if after.endswith("s") and after not in GENERIC_NOUNS and (then is None or content_word(then)):
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
        if token is None or not content_word(token):
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
            while self.peek() is not None and plain_word(self.peek()) and self.low() != ",":
                if words and subject and self.verb_here():
                    break
                words.append(self.peek().low)
                self.i += 1
            if not words:
                self.fail("a noun after \"the\"")
            term = Term(constant_name(["the", *words]))
        elif self.is_name():
            while self.is_name() and (not words or self.peek().capitalized):
                words.append(self.peek().low)
                self.i += 1
            term = Term(constant_name(words))
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
                return lambda t: exclusive_or(first(t), second(t))
            return self.predicate_list(plural)
        if token.low in AUXILIARIES:
            self.i += 1
            negative = bool(self.accept("not"))
            verb = self.verb(base=True)
            return (lambda t: negate(verb(t))) if negative else verb
        if content_word(token):
            return self.verb(base=plural_subject)
        self.fail('"is", "are", "does not" or a verb')

    def verb(self, base: bool) -> VP:
        token = self.peek()
        if token is None or not content_word(token):
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
            if new_clause or not (nxt in {"not", "a", "an", "either"} or content_word(self.peek(k))):
                break
            word = self.low() if self.low() != "," else (self.low(1) if k == 2 else None)
            if word in {"and", "or"}:
                if joiner and joiner != word:
                    self.fail('one connective ("and" or "or") throughout the list')
                joiner = word
            self.i += k
            items.append(self.signed_predicate(plural))
        if joiner == "or":
            return lambda t: Connective("or", tuple(item(t) for item in items))
        return items[0] if len(items) == 1 else (lambda t: conj([item(t) for item in items]))

    def signed_predicate(self, plural: bool) -> VP:
        if self.accept("not"):
            if self.accept("either"):
                first = self.predicate(plural)
                self.expect("or")
                second = self.predicate(plural)
                return lambda t: Not(exclusive_or(first(t), second(t)))
            inner = self.predicate(plural)
            return lambda t: negate(inner(t))
        return self.predicate(plural)

    def predicate(self, plural: bool) -> VP:
        token = self.peek()
        if token is not None and token.low in {"a", "an"}:
            self.i += 1
            return self.nominal(number="singular", restriction=False)
        if token is None or not content_word(token):
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
        while self.peek() is not None and plain_word(self.peek()):
            if words and self.low() != "," and restriction and self.verb_here():
                break
            if self.low() != ",":
                words.append(self.low())
            self.i += 1
            if self.low() == "and" and plain_word(self.peek(1)) and not self.verb_here(1):
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
            formula: Formula = Connective("implies", (condition, consequent))
            return Quantified("forall", (x.name,), formula) if self.var_used else formula
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
            return Quantified("exists", (x.name,), self.vp()(x))
        if low in NOTHING or (low == "no" and self.low(1) == "one"):
            self.i += 1 if low in NOTHING else 2
            restriction = self.vp() if self.accept(*RELATIVES) else unrestricted
            body = self.vp()
            return _universal(x, restriction(x), negate(body(x)))
        if low == "some":
            self.i += 1
            restriction = self.nominal("any")
            body = self.vp(plural_subject=True)
            return Quantified("exists", (x.name,), conj([restriction(x), body(x)]))
        if low == "there" and self.low(1) in COPULAS:
            self.i += 2
            self.expect("a", "an", "some")
            restriction = self.nominal("any")
            return Quantified("exists", (x.name,), restriction(x))
        if self.starts_subject():
            return self.clauses(in_rule=False, stop=None)
        if self.peek() is not None and plain_word(self.peek()) and low != ",":
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


def _universal(x: Term, restriction: Formula, body: Formula) -> Formula:
    if isinstance(restriction, Atom) and restriction.predicate == "__any__":
        return Quantified("forall", (x.name,), body)
    return Quantified("forall", (x.name,), Connective("implies", (restriction, body)))


# ---------------------------------------------------------------------------------- texts and questions

QUESTION_LEAD = re.compile(r"^(?:.*\?\s+|\s*(?:true or false|is it true that)\s*[:,]?\s*)(?=\S)",
                           re.IGNORECASE | re.DOTALL)
YES_NO = re.compile(r"^\s*(is|are|does|do)\s+(.+?)\s*\?\s*$", re.IGNORECASE | re.DOTALL)


@dataclass
class Translation:
    """A text's sentences and their formulas (premise i is sentence i), and the question's formula."""

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
    """The statement a question asks about: after a leading "...? " or "True or false:"; yes/no inverted.

    Examples:
        >>> statement_of_question("Does the cat like Bob?"), statement_of_question("True or false: Bob is big.")
        ('the cat does like Bob.', 'Bob is big.')
    """
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
    """Parse every sentence of the text (and the question); the first one outside the fragment raises.

    Examples:
        >>> from neurosym.lang.fol import to_text
        >>> translation = translate_text("Bob is big. If something is big then it is red.", "Is Bob red?")
        >>> [to_text(p) for p in translation.premises], to_text(translation.conclusion)
        (['Big(bob)', '∀x (Big(x) → Red(x))'], 'Red(bob)')
    """
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
        says_everything = any(isinstance(p, Quantified) and p.kind == "forall"
                              and not (isinstance(p.body, Connective) and p.body.op == "implies")
                              for p in premises)  # "Everything is red." speaks of every name, known or not
        if unknown and not says_everything:
            who = ", ".join(sorted(unknown))
            raise NeurosymError(ErrorKind.INPUT, f'the question "{statement}" names {who}, who appear(s) '
                                                 'nowhere in the text')
    return Translation(premises, [s.line for s in sentences], conclusion, sentences)


def _constants(formula: Formula) -> set[str]:
    """The names of things a formula mentions: every term no quantifier around it binds."""
    return {term.name for node, bound in subformulas(formula) if isinstance(node, Atom)
            for term in node.args if term.name not in bound}


def sentence_coverage(text: str) -> tuple[int, list[tuple[Sentence, str]]]:
    """How many sentences of a text parse, and each one that does not with the reason: coverage reports.

    Examples:
        >>> total, failures = sentence_coverage("Bob is big. Bob was red.")
        >>> total, [sentence.number for sentence, _ in failures]
        (2, [2])
    """
    sentences = split_sentences(text)
    lexicon = Lexicon.collect(sentences)
    failures = []
    for sentence in sentences:
        try:
            parse_sentence(sentence, lexicon, text)
        except NeurosymError as exc:
            failures.append((sentence, exc.info.message))
    return len(sentences), failures
