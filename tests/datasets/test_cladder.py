"""CLadder: the templated English read into SCM programs (graph, known probabilities, one query), the
answers on the shared sample, and sentences outside the templates reported with their text."""

from __future__ import annotations

import json

import pytest

from neurosym.backends.causal import CausalBackend
from neurosym.datasets.cladder import load, load_generator
from neurosym.formalize.cladder import UnreadableText, formalize_problem, problem_fields, same_value
from neurosym.lang import get_language
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Status

PREFIX = ("Imagine a self-contained, hypothetical world with only the following conditions, and without any "
          "unmentioned factors or causal relationships: ")
STORY = ("Husband has a direct effect on wife and alarm clock. Wife has a direct effect on alarm clock. "
         "For husbands that don't set the alarm and wives that don't set the alarm, the probability of ringing "
         "alarm is 8%. For husbands that don't set the alarm and wives that set the alarm, the probability of "
         "ringing alarm is 54%. For husbands that set the alarm and wives that don't set the alarm, the "
         "probability of ringing alarm is 41%. For husbands that set the alarm and wives that set the alarm, "
         "the probability of ringing alarm is 86%. For husbands that don't set the alarm, the probability of "
         "alarm set by wife is 74%. For husbands that set the alarm, the probability of alarm set by wife is 24%. ")


def solve(fields: dict) -> tuple:
    out = CausalBackend().solve(Program("scm", {"model": fields["model"], "query": fields["query"]}), Limits())
    return out.status, out.answer, out.certificate


def test_a_mediation_story_becomes_a_program_and_its_effects() -> None:
    nde = problem_fields(PREFIX + STORY + "If we disregard the mediation effect through wife, would husband "
                         "positively affect alarm clock?", None, "")
    assert "graph alarm_clock" not in nde["model"] and "husband -> wife" in nde["model"]
    assert "known p(alarm_clock = 1 | husband = 1, wife = 0) = 41/100" in nde["model"]
    assert nde["query"].startswith("query nde(husband, alarm_clock via wife) >")
    status, answer, certificate = solve(nde)
    # by hand: 0.26 * (0.41 - 0.08) + 0.74 * (0.86 - 0.54) = 0.3226
    assert (status, answer) == (Status.SOLVED, "yes") and certificate["value"] == pytest.approx(0.3226)
    nie = problem_fields(PREFIX + STORY + "Does husband negatively affect alarm clock through wife?", None, "")
    status, answer, certificate = solve(nie)
    # 0.08 * (0.76 - 0.26) + 0.54 * (0.24 - 0.74) = -0.23
    assert (answer, certificate["value"]) == ("yes", pytest.approx(-0.23))


def test_a_sentence_outside_the_templates_is_quoted() -> None:
    with pytest.raises(UnreadableText, match="Husband usually wins"):
        problem_fields(PREFIX + "Husband usually wins. " + STORY + "Does husband negatively affect alarm clock "
                       "through wife?", None, "")
    with pytest.raises(UnreadableText, match="question outside"):
        problem_fields(PREFIX + STORY + "Why does the alarm ring?", None, "")


def test_the_v15_sample(data_dir) -> None:
    scm = get_language("scm")
    problems = list(load(data_dir / "cladder" / "sample.jsonl"))
    assert len(problems) == 128
    assert [p.id for p in problems if p.load_error] == []
    assert all(p.text and p.options["reader"] == "cladder" for p in problems)  # read in a worker, not at load
    lines = (data_dir / "cladder" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    kinds = {f"cladder-{r['id']}-{r['query_type']}": r["query_type"] for r in map(json.loads, lines)}
    correct, unknown, deterministic = 0, 0, 0
    for problem in problems:  # every row reads, the deterministic stories too
        status, answer, _ = solve(formalize_problem(problem).fields)
        unknown += status == Status.UNKNOWN
        right = status == Status.SOLVED and scm.answers_match(answer, problem.expect)
        correct += right
        if kinds[problem.id] == "det-counterfactual":
            assert right, problem.id
            deterministic += 1
    assert deterministic == 19
    assert unknown == 1  # CLadder 26584 (confounding ETT): P(V1 | X=1) is not stated and the strata disagree
    assert correct == 126  # and CLadder 24960: rounded numbers, see docs


def test_the_v15_samples_deterministic_stories_in_the_strict_reading(data_dir) -> None:
    # read word for word, "V1 causes not X and V3" (the diamond-cut template) disagrees with the labels
    # where the generator's equations negate V3: 29848 and 29984 (29696 comes out the same either way)
    scm = get_language("scm")
    lines = (data_dir / "cladder" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [r for r in map(json.loads, lines) if r["query_type"] == "det-counterfactual"]
    wrong = set()
    for row in rows:
        status, answer, _ = solve(problem_fields(row["prompt"], None, "", reading="strict"))
        if not (status == Status.SOLVED and scm.answers_match(answer, row["label"])):
            wrong.add(row["id"])
    assert len(rows) == 19 and wrong == {"29848", "29984"}


DET_STORY = ("Medication has a direct effect on blood pressure and heart condition. Blood pressure has a direct "
             "effect on heart condition. We know that taking medication causes low blood pressure. taking "
             "medication or high blood pressure causes healthy heart. ")


@pytest.mark.parametrize(
    "question, query, answer",
    [
        # the question's sentence is the outcome's noun ("healthy heart"): value 1 asked
        ("Would the person has a healthy heart if not taking medication instead of taking medication?",
         "query value heart_condition do(medication = false)", True),
        # a sentence missing the noun's words is its other value: value 0 asked
        ("Would the person has a weak heart if taking medication instead of not taking medication?",
         "query value not heart_condition do(medication = true)", False),
    ],
)
def test_a_deterministic_story_becomes_its_equations(question: str, query: str, answer: bool) -> None:
    fields = problem_fields(PREFIX + DET_STORY + question, None, "")
    # "low blood pressure" is the value-0 noun of the node whose value-1 noun is "high blood pressure"
    assert fields["model"] == ("exogenous medication : bool\nendogenous blood_pressure := not (medication)\n"
                               "endogenous heart_condition := medication or blood_pressure\n")
    assert fields["query"] == query
    assert solve(fields)[:2] == (Status.SOLVED, answer)


def test_observations_are_the_sources_values() -> None:
    text = (PREFIX + "Poverty has a direct effect on water quality and cholera. Water company has a direct "
            "effect on water quality. Water quality has a direct effect on cholera. Poverty is unobserved. We "
            "know that high poverty and global water company causes clean water. high poverty or clean water "
            "causes cholera contraction. We observed the person is served by a local water company and the "
            "region has high poverty. Would the person avoids cholera if clean water instead of polluted water?")
    fields = problem_fields(text, None, "")
    assert fields["query"] == "query value not cholera do(water_quality = true) given not water_company and poverty"
    assert solve(fields)[:2] == (Status.SOLVED, False)


def test_the_diamond_cut_negation_is_the_generators() -> None:
    text = (PREFIX + "Swoq has a direct effect on muvy and kwox. Kwox has a direct effect on kwoz. Muvy has a "
            "direct effect on kwoz. We know that swoq causes not kwox and muvy. kwox and muvy causes kwoz. We "
            "observed an individual is swoq. Would an individual is kwoz if kwox instead of not kwox?")
    dataset, strict = problem_fields(text, None, ""), problem_fields(text, None, "", reading="strict")
    assert dataset["readings"] == strict["readings"] == {
        "dataset": {"model": dataset["model"], "query": dataset["query"]},
        "strict": {"model": strict["model"], "query": strict["query"]}}
    assert "endogenous kwox := swoq\nendogenous muvy := not (swoq)" in dataset["model"]
    assert "endogenous kwox := not (swoq)\nendogenous muvy := swoq" in strict["model"]
    assert solve(dataset)[1] is False and solve(strict)[1] is True


def test_a_generator_rows_deterministic_story_uses_the_graph_of_its_id() -> None:
    fields = problem_fields(None, "We know that zuph and xevu causes rixq. We observed an individual is not xevu.",
                            "Would an individual is not rixq if zuph instead of not zuph?", "fork")
    assert fields["model"] == "exogenous V2 : bool\nexogenous X : bool\nendogenous Y := X and V2\n"
    assert fields["query"] == "query value not Y do(X = true) given not V2"


@pytest.mark.parametrize(
    "sentence, named",
    [
        ("We know that husband prevents wife.", "no 'causes' statement in 'husband prevents wife'"),
        ("We know that husband causes wife. Husband usually wins.", "Husband usually wins"),
        ("We know that husband and wife or husband causes wife.", "mixes 'and' and 'or'"),
    ],
)
def test_a_deterministic_sentence_outside_the_templates_is_an_error_quoting_it(sentence: str, named: str) -> None:
    with pytest.raises(UnreadableText, match=named):
        problem_fields(PREFIX + "Husband has a direct effect on wife. " + sentence
                       + " Would wife if husband instead of not husband?", None, "")


@pytest.mark.slow
def test_the_generator_file_reads(data_dir) -> None:
    problems = list(load_generator(data_dir / "cladder" / "test-generate-easy.json"))
    assert len(problems) == 844 and all(p.load_error is None for p in problems)
    read = 0
    for problem in problems:
        try:
            formalize_problem(problem)
            read += 1
        except NeurosymError as exc:
            assert exc.info.kind == ErrorKind.INPUT and problem.id in exc.info.message
    assert read >= 810  # 816 read; docs/cladder.md lists the rest


def test_rows_are_read_in_the_worker_under_their_limit(engine, data_dir, tmp_path) -> None:
    """The engine reads each row in a sandbox worker (reader `cladder`), with the dataset's answers; a row
    outside the templates is that row's input error quoting the sentence, and the batch goes on."""
    rows = [json.loads(line) for line in
            (data_dir / "cladder" / "sample.jsonl").read_text(encoding="utf-8").splitlines()[:6]]
    odd = {**rows[0], "id": "odd", "prompt": PREFIX + "Husband usually wins. " + STORY + "Why does it ring?"}
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*rows, odd]), encoding="utf-8")
    problems = list(load(tmp_path / "rows.jsonl"))
    results = engine.solve_many(problems)
    assert [r.id for r in results] == [p.id for p in problems]
    assert all(r.status == Status.SOLVED and r.language == "scm" and r.correct for r in results[:-1])
    assert results[-1].status == Status.ERROR and results[-1].error.kind == ErrorKind.INPUT
    assert "Husband usually wins." in results[-1].error.message


# CLadder's deterministic templates, in the generator's words (graphs/stories/deterministic.py), each with
# the equations its labels come from: (graph, the "We know that" text, equations). {A1} is a node's
# value-1 noun, {A0} its value-0 noun; `n` (a negation) and `r`, `r2` (and/or) are the templates' choices.
TEMPLATES = {
    "chain": ("X->V2,V2->Y", "We know that {X1} causes {V2n}, and we know that {V21} causes {Yn2}.",
              lambda v, n, r, r2: {"V2": v["X"] ^ n, "Y": (v["X"] ^ n) ^ r}),
    "fork": ("X->Y,V2->Y", "We know that {X1} {r} {V21} causes {Y1}.",
             lambda v, n, r, r2: {"Y": _op(r, v["X"], v["V2"])}),
    "mediation": ("X->V2,X->Y,V2->Y", "We know that {X1} causes {V2n}. {X1} {r} {V21} causes {Y1}.",
                  lambda v, n, r, r2: {"V2": v["X"] ^ n, "Y": _op(r, v["X"], v["X"] ^ n)}),
    "confounding": ("V1->X,V1->Y,X->Y", "We know that {V11} causes {Xn}. {V11} {r} {X1} causes {Y1}.",
                    lambda v, n, r, r2: {"Y": _op(r, v["V1"], v["X"])}),
    "diamond": ("X->V2,X->V3,V2->Y,V3->Y", "We know that {X1} causes {V21} and {V3n}. {V21} {r} {V31} causes {Y1}.",
                lambda v, n, r, r2: {"Y": _op(r, v["X"], v["X"] ^ n)}),
    "diamondcut": ("V1->V3,V1->X,X->Y,V3->Y", "We know that {V11} causes {Xn} and {V31}. {X1} {r} {V31} causes {Y1}.",
                   lambda v, n, r, r2: {"Y": _op(r, v["X"], v["V1"] ^ n)}),  # the equations negate V3
    "IV": ("V1->X,V2->X,V1->Y,X->Y", "We know that {V11} {r} {V21} causes {X1}. {V11} {r2} {X1} causes {Y1}.",
           lambda v, n, r, r2: {"Y": _op(r2, v["V1"], v["X"])}),
    "arrowhead": ("X->V3,V2->V3,X->Y,V2->Y,V3->Y",
                  "We know that {X1} {r} {V21} causes {V31}. {X1} {r2} {V21} {r2} {V31} causes {Y1}.",
                  lambda v, n, r, r2: {"Y": _op(r2, _op(r2, v["X"], v["V2"]), _op(r, v["X"], v["V2"]))}),
    "frontdoor": ("V1->X,X->V3,V1->Y,V3->Y",
                  "We know that {V11} causes {X1}. {X1} causes {V3n}. {V11} {r} {V31} causes {Y1}.",
                  lambda v, n, r, r2: {"Y": _op(r, v["V1"], v["X"] ^ n)}),
}
NAMES = {"X": "rixq", "V1": "zuph", "V2": "swoy", "V3": "kwox", "Y": "xevu"}


def _op(conjunction: bool, a: bool, b: bool) -> bool:
    return (a and b) if conjunction else (a or b)


@pytest.mark.parametrize("graph_id", sorted(TEMPLATES))
def test_every_deterministic_template_answers_as_the_generator_computes(graph_id: str) -> None:
    import itertools

    edges, template, equations = TEMPLATES[graph_id]
    g = [tuple(e.split("->")) for e in edges.split(",")]
    children = {a: [b for x, b in g if x == a] for a, _ in g}
    graph_text = " ".join(f"{NAMES[a].capitalize()} has a direct effect on {' and '.join(NAMES[b] for b in bs)}."
                          for a, bs in children.items())
    sources = sorted({a for a, _ in g} - {b for _, b in g} - {"X"})
    checked = 0
    for n, r, r2 in itertools.product((False, True), repeat=3):
        words = {f"{k}1": name for k, name in NAMES.items()} | {
            "r": "and" if r else "or", "r2": "and" if r2 else "or", "Yn2": f"not {NAMES['Y']}" if r else NAMES["Y"]}
        words |= {f"{k}n": f"not {name}" if n else name for k, name in NAMES.items()}
        story = template.format(**words)
        for action, *observed in itertools.product((False, True), repeat=1 + len(sources)):
            values = {"X": action, **dict(zip(sources, observed, strict=True))}
            y = equations(values, n, r, r2)["Y"]
            seen = " and ".join(f"an individual is {'' if values[s] else 'not '}{NAMES[s]}" for s in sources)
            for polarity in (True, False):
                x1, x0 = NAMES["X"], f"not {NAMES['X']}"
                question = (f"Would an individual is {'' if polarity else 'not '}{NAMES['Y']} if "
                            f"{x1 if action else x0} instead of {x0 if action else x1}?")
                text = PREFIX + graph_text + " " + story + (f" We observed {seen}." if seen else "") + " " + question
                status, answer, _ = solve(problem_fields(text, None, ""))
                assert (status, answer) == (Status.SOLVED, y == polarity), text
                checked += 1
    assert checked == 8 * 2 ** (1 + len(sources)) * 2


@pytest.mark.parametrize(
    "sentence, noun, same",
    [  # the generator's sentence and noun forms of one value, and of the other
        ("the prisoner is dead", "the prisoner's death", True),
        ("the prisoner is alive", "the prisoner's death", False),
        ("the person survives smallpox", "smallpox survival", True),
        ("the person dies from smallpox", "smallpox survival", False),
        ("Alice arrives at school on time", "arriving to school on time", True),
        ("Alice arrives at school late", "arriving to school on time", False),
        ("there is no traffic on the road", "heavy traffic", False),
        ("the person has a severe reaction to the vaccine", "severe vaccination reaction", True),
        ("the person has no lung cancer", "lung cancer", False),
        ("the person goes to the beach", "going to the beach", True),
        ("the CEO decides to fire the employee", "CEO's decision to fire the employee", True),
        ("the person is served by a local water company", "global water company", False),
    ],
)
def test_a_sentence_states_a_nouns_value_or_the_other(sentence: str, noun: str, same: bool) -> None:
    assert same_value(sentence, noun) is same
