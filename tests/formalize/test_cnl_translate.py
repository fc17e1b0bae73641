"""English -> FOL and Prolog translation of every documented construction, and the errors outside it."""

from __future__ import annotations

import pytest

from neurosym.formalize.cnl import (
    formalize_problem,
    sentence_coverage,
    split_sentences,
    statement_of_question,
    to_prolog,
    translate,
    translate_text,
)
from neurosym.problem import Limits, Problem
from neurosym.result import ErrorKind, NeurosymError

# (sentence, its FOL) for each construction the docs list; the question only has to name a known entity.
CONSTRUCTIONS = [
    ("Bob is big.", "Big(bob)"),
    ("Bob is not big.", "¬Big(bob)"),
    ("Bob isn't big.", "¬Big(bob)"),
    ("Bob is a wumpus.", "Wumpus(bob)"),
    ("Bob is a big red wumpus.", "Big(bob) ∧ Red(bob) ∧ Wumpus(bob)"),
    ("Bob is not a wumpus.", "¬Wumpus(bob)"),
    ("Bob is big, red and not cold.", "Big(bob) ∧ Red(bob) ∧ ¬Cold(bob)"),
    ("Bob is big or red.", "Big(bob) ∨ Red(bob)"),
    ("Bob is either big or small.", "(Big(bob) ∨ Small(bob)) ∧ ¬(Big(bob) ∧ Small(bob))"),
    ("Bob smiles.", "Smile(bob)"),
    ("Bob likes the bald eagle.", "Like(bob, the_bald_eagle)"),
    ("The bald eagle chases Bob.", "Chase(the_bald_eagle, bob)"),
    ("The cat does not chase Bob.", "¬Chase(the_cat, bob)"),
    ("Bob doesn't like the cat.", "¬Like(bob, the_cat)"),
    ("Bob is big and likes the cat.", "Big(bob) ∧ Like(bob, the_cat)"),
    ("All quiet things are rough.", "∀x (Quiet(x) → Rough(x))"),
    ("All rough, nice people are white.", "∀x (Rough(x) ∧ Nice(x) → White(x))"),
    ("All dogs are animals.", "∀x (Dog(x) → Animal(x))"),
    ("All dogs chase the cat.", "∀x (Dog(x) → Chase(x, the_cat))"),
    ("Every wumpus is a tumpus.", "∀x (Wumpus(x) → Tumpus(x))"),
    ("Each jompus is not small.", "∀x (Jompus(x) → ¬Small(x))"),
    ("Every dog chases the cat.", "∀x (Dog(x) → Chase(x, the_cat))"),
    ("Wumpuses are not bright.", "∀x (Wumpus(x) → ¬Bright(x))"),
    ("Vumpuses are yumpuses.", "∀x (Vumpus(x) → Yumpus(x))"),
    ("Red, cold things are round.", "∀x (Red(x) ∧ Cold(x) → Round(x))"),
    ("Young people are not blue.", "∀x (Young(x) → ¬Blue(x))"),
    ("Cats are nervous.", "∀x (Cat(x) → Nervous(x))"),
    ("Dogs bark.", "∀x (Dog(x) → Bark(x))"),
    ("No cat is a dog.", "∀x (Cat(x) → ¬Dog(x))"),
    ("No dogs are happy.", "∀x (Dog(x) → ¬Happy(x))"),
    ("If something is quiet and cold then it is smart.", "∀x (Quiet(x) ∧ Cold(x) → Smart(x))"),
    ("If someone is cold and not blue then they are not red.", "∀x (Cold(x) ∧ ¬Blue(x) → ¬Red(x))"),
    ("If someone is kind, big and red then they are nice.",
     "∀x (Kind(x) ∧ Big(x) ∧ Red(x) → Nice(x))"),
    ("If something is a wumpus then it is a tumpus.", "∀x (Wumpus(x) → Tumpus(x))"),
    ("If someone needs the cat and they chase the dog then they like the rabbit.",
     "∀x (Need(x, the_cat) ∧ Chase(x, the_dog) → Like(x, the_rabbit))"),
    ("If something is big and likes the cat then it is red.",
     "∀x (Big(x) ∧ Like(x, the_cat) → Red(x))"),
    ("If something chases the rabbit and it does not visit the lion then the lion does not need the rabbit.",
     "∀x (Chase(x, the_rabbit) ∧ ¬Visit(x, the_lion) → ¬Need(the_lion, the_rabbit))"),
    ("If the bald eagle needs the dog then the dog is round.",
     "Need(the_bald_eagle, the_dog) → Round(the_dog)"),
    ("If Harry is red and Harry is kind then Harry is blue.", "Red(harry) ∧ Kind(harry) → Blue(harry)"),
    ("If Bob is big then he is red.", "Big(bob) → Red(bob)"),
    ("A dog that barks is loud.", "∀x (Dog(x) ∧ Bark(x) → Loud(x))"),
    ("A person who likes Bob is kind.", "∀x (Like(x, bob) → Kind(x))"),
    ("People who chase the cat are mean.", "∀x (Chase(x, the_cat) → Mean(x))"),
    ("Red things that are big are nice.", "∀x (Red(x) ∧ Big(x) → Nice(x))"),
    ("Something that is red is hot.", "∀x (Red(x) → Hot(x))"),
    ("Everything is cold.", "∀x Cold(x)"),
    ("Everyone who is kind is nice.", "∀x (Kind(x) → Nice(x))"),
    ("Something is red.", "∃x Red(x)"),
    ("Some turtles are not green.", "∃x (Turtle(x) ∧ ¬Green(x))"),
    ("Nothing is green.", "∀x ¬Green(x)"),
    ("No one who is kind is mean.", "∀x (Kind(x) → ¬Mean(x))"),
    ("If something is big, then it is red.", "∀x (Big(x) → Red(x))"),
    ("All gentlemen are kind.", "∀x (Gentleman(x) → Kind(x))"),
    ("There is a dog that barks.", "∃x (Dog(x) ∧ Bark(x))"),
]


@pytest.mark.parametrize(("sentence", "fol"), CONSTRUCTIONS, ids=[s for s, _ in CONSTRUCTIONS])
def test_construction(sentence: str, fol: str) -> None:
    premises, _ = translate(f"Bob is here. {sentence}", "Bob is here.")
    assert premises[1] == fol


def test_invented_word_chain() -> None:
    text = "Every wumpus is a tumpus. Wumpuses are not bright. Max is a wumpus."
    premises, conclusion = translate(text, "True or false: Max is not bright.")
    assert premises == ["∀x (Wumpus(x) → Tumpus(x))", "∀x (Wumpus(x) → ¬Bright(x))",
                        "Wumpus(max)"]
    assert conclusion == "¬Bright(max)"


@pytest.mark.parametrize(("question", "statement"), [
    ("Based on the above information, is the following statement true, false, or unknown? Bob is big.",
     "Bob is big."),
    ("True or false: Alex is not bright.", "Alex is not bright."),
    ("Is Bob big?", "Bob is big."),
    ("Is the bald eagle red?", "the bald eagle is red."),
    ("Does the cat like Bob?", "the cat does like Bob."),
    ("Are wumpuses bright?", "wumpuses are bright."),
])
def test_question_forms(question: str, statement: str) -> None:
    assert statement_of_question(question) == statement


def test_does_question_translates_like_the_statement() -> None:
    _, asked = translate("The cat likes Bob.", "Does the cat like Bob?")
    _, stated = translate("The cat likes Bob.", "The cat likes Bob.")
    assert asked == stated == "Like(the_cat, bob)"


def _error(text: str, question: str = "Bob is big.") -> NeurosymError:
    with pytest.raises(NeurosymError) as caught:
        translate(text, question)
    return caught.value


def test_prose_is_reported_with_sentence_and_position() -> None:
    text = "Bob is big.\nThe weather was lovely yesterday, and we walked to the park."
    info = _error(text).info
    assert info.kind == ErrorKind.UNSUPPORTED
    assert "sentence 2" in info.message and "The weather was lovely yesterday" in info.message
    assert info.line == 2 and info.column == 13  # "was": no tense but the present
    assert '"was" is a preposition, adverb, auxiliary, tense or determiner' in info.message


def test_bare_plural_object_is_not_guessed() -> None:
    info = _error("Bob is big. Dogs chase cats.").info
    assert info.kind == ErrorKind.UNSUPPORTED and '"Dogs chase cats."' in info.message
    assert info.column == len("Bob is big. ") + 1 and "plural noun cannot come before" in info.message


@pytest.mark.parametrize(("sentence", "word"), [
    ("Bonnie performs in school talent shows often.", "in"),
    ("Walden contains knowledge.", None),
    ("No one gets flu.", None),
    ("KO is a mature company's stock.", "company's"),
    ("Taylor eats salads regularly.", "regularly"),
    ("Bob is Robert.", "Robert"),
    ("Bob has a cat.", "has"),
])
def test_ordinary_english_is_refused_not_misread(sentence: str, word: str | None) -> None:
    info = _error(f"Bob is big. {sentence}").info
    assert info.kind == ErrorKind.UNSUPPORTED and f'"{sentence}"' in info.message
    if word is not None:
        assert f'at "{word}"' in info.message


def test_dangling_pronoun_is_an_error() -> None:
    info = _error("It is big. Bob is big.").info
    assert 'something for "it" to refer to' in info.message and info.column == 1


def test_empty_text_and_unknown_name() -> None:
    assert _error("   ").info.kind == ErrorKind.INPUT
    info = _error("Bob is big.", "Zed is big.").info
    assert info.kind == ErrorKind.INPUT and "zed" in info.message
    assert translate("Everything is big.", "Zed is big.") == (["∀x Big(x)"], "Big(zed)")


def test_names_spelled_like_variables_become_constants() -> None:
    # lang/fol reads a free u..z (optionally with a digit) as an unbound variable: such a name is renamed
    premises, conclusion = translate("W is red. X1 is red. If something is red then it is big.", "Is W big?")
    assert premises[:2] == ["Red(w_)", "Red(x1_)"] and conclusion == "Big(w_)"


def test_question_outside_the_fragment() -> None:
    info = _error("Bob is big.", "Why is the sky blue?").info
    assert info.kind == ErrorKind.UNSUPPORTED and "question" in info.message


def test_sentence_coverage_counts_failures() -> None:
    total, failures = sentence_coverage("Bob is big. Honestly it was great! Alice is red.")
    assert total == 3 and [s.number for s, _ in failures] == [2]


def test_sentence_positions_across_lines() -> None:
    sentences = split_sentences("Bob is big.\n  Alice is red. Carl is cold.")
    assert [(s.line, s.column) for s in sentences] == [(1, 1), (2, 3), (2, 17)]


def test_prolog_route() -> None:
    text = ("Bob is red. If something is red and not big then it is round. All round things are nice. "
            "The cat likes Bob.")
    program, query = to_prolog(translate_text(text, "Bob is not nice."))
    assert "round(X) :- red(X), \\+ big(X)." in program
    assert "nice(X) :- round(X)." in program and "like(the_cat, bob)." in program
    assert ":- table round/1." in program and ":- dynamic big/1." in program
    assert query == "\\+ nice(bob)"


def test_prolog_route_refuses_negative_statements() -> None:
    with pytest.raises(NeurosymError) as caught:
        to_prolog(translate_text("Bob is red. Bob is not big.", "Bob is red."))
    assert caught.value.info.kind == ErrorKind.UNSUPPORTED and "sentence 2" in caught.value.info.message


def test_text_over_the_input_cap_is_refused_before_parsing() -> None:
    problem = Problem(id="big", text="Bob is big. " * 10, question="Bob is big.",
                      limits=Limits(max_input_bytes=50))
    with pytest.raises(NeurosymError) as caught:
        formalize_problem(problem)
    info = caught.value.info
    assert info.kind == ErrorKind.INPUT and "over the cap of 50 bytes" in info.message


def test_long_sentences_are_quoted_short() -> None:
    sentence = "A thing " + "that likes a thing " * 200 + "is red."
    message = _error(f"Bob is big. {sentence}").info.message
    assert len(message) < 500 and f"({len(sentence)} characters)" in message
