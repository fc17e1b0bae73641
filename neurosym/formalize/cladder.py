"""CLadder's templated English read into an SCM program: a stated graph, known probabilities, one query.

CLadder (Jin et al., NeurIPS 2023) states each question's model completely: the graph ("Husband has a
direct effect on wife and alarm clock."), the probabilities ("The overall probability of alarm set by
husband is 77%.", "For husbands that don't set the alarm, the probability of ringing alarm is 26%.",
"The probability of alarm not set by husband and ringing alarm is 5%."), then the question. The value
phrases are the story's own ("husbands that set the alarm", "ringing alarm"), so the reader learns them
from the sentences' structure, the way the generator writes them:

- a table of 2^k sentences with one outcome enumerates its k conditions in binary order, first
  condition slowest, 0 before 1 ("don't set" then "set"); a paired joint ("A0 and B", "A1 and B") too;
- the outcome and a marginal's noun are a variable's value 1; phrases that recur are the same variable;
- the question names the treatment and outcome by a phrase of the statements or by the graph's names.

Which graph variable each phrase group is, is then chosen among every reading consistent with the
statements (distinct variables within a sentence, the question's names): each reading is solved by the
causal engine, and the readings that state the estimand's terms directly (fewest derivations) decide.
If they disagree, the question is reported ambiguous; a sentence outside the templates is an error that
quotes it. docs/cladder.md lists the templates.

Deterministic stories (det-counterfactual: "We know that A causes B. ... Would Y if x instead of x'?") are
structural equations, not probabilities: `deterministic_fields` places the statements (read by
neurosym.formalize.deterministic, shared with CounterBench) on the stated graph and asks `value Y do(X = x)`.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import networkx as nx

from neurosym.causal.estimands import Store, Unidentified
from neurosym.causal.ladder import answer_graph_query
from neurosym.causal.model import Query
from neurosym.formalize.deterministic import (
    READINGS,
    Mechanism,
    UnreadableStory,
    check_reading,
    phrase_term,
    read_mechanisms,
    scm_model,
    value_query,
)
from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError, Status

PREAMBLE = re.compile(r"^Imagine a self-contained, hypothetical world with only the following conditions, "
                      r"and without any unmentioned factors or causal relationships:\s*")
EDGE = re.compile(r"^(.+?) has a direct effect on (.+)\.$")
UNOBSERVED = re.compile(r"^(.+?) is unobserved\.$")
MARGINAL = re.compile(r"^The overall probability of (.+) is (\d+(?:\.\d+)?)%\.$")
JOINT = re.compile(r"^The probability of (.+) is (\d+(?:\.\d+)?)%\.$")
CONDITIONAL = re.compile(r"^For (.+?), the probability of (.+) is (\d+(?:\.\d+)?)%\.$")
CORRELATION = re.compile(r"^For (.+?), the correlation between (.+) and (.+) is (-?\d+(?:\.\d+)?)\.$")
METHOD = re.compile(r"^Method ([12]): We look (?:at how|directly at how|at this correlation)"
                    r"(?: (.+) correlates with (.+?))?(?: case by case according to (.+)| in general)\.$")

Q_MARGINAL = re.compile(r"^Is (.+) (more|less) likely than (.+) overall\?$")
Q_CORRELATION = re.compile(r"^Is the chance of (.+) (larger|smaller) when observing (.+)\?$")
Q_ATE = re.compile(r"^Will (.+) (increase|decrease) the chance of (.+)\?$")
Q_ETT = re.compile(r"^For (.+?), would it be (more|less) likely to see (.+?) if (.+)\?$")
Q_NDE = re.compile(r"^If we disregard the mediation effect through (.+), would (.+) (positively|negatively) "
                   r"affect (.+)\?$")
Q_NIE = re.compile(r"^Does (.+) (positively|negatively) affect (.+) through (.+)\?$")
Q_EXP_AWAY = re.compile(r"^If we look at (.+?), does the chance of (.+) (increase|decrease) when (.+)\?$")
Q_COLLIDER = re.compile(r"^If we look at (.+?), does it mean that (.+?) (does not affect|affects) (.+)\?$")
Q_BACKADJ = re.compile(r"^To understand how (.+) affects (.+), is it more correct to use the Method ([12]) "
                       r"than Method ([12])\?$")

# CLadder's graphs by graph_id (the generator's files state no graph sentences)
GRAPHS = {
    "chain": "X->V2,V2->Y", "fork": "X->Y,V2->Y", "collision": "X->V3,Y->V3",
    "confounding": "V1->X,V1->Y,X->Y", "mediation": "X->V2,X->Y,V2->Y", "IV": "V1->X,V2->X,V1->Y,X->Y",
    "arrowhead": "X->V3,V2->V3,X->Y,V2->Y,V3->Y", "diamond": "X->V2,X->V3,V2->Y,V3->Y",
    "diamondcut": "V1->V3,V1->X,X->Y,V3->Y", "frontdoor": "V1->X,X->V3,V1->Y,V3->Y",
}


class UnreadableText(ValueError):
    """A sentence outside CLadder's templates, or a question no reading of the text answers."""


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?])\s+(?=[A-Z\"'])", text.strip()) if s.strip()]


def _key(name: str) -> str:
    return name.strip().lower()


def _ident(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_") or "V"
    if not base[0].isalpha():
        base = "V_" + base
    if base in {"not", "and", "or", "true", "false", "if", "then", "else", "p", "corr", "via", "given"}:
        base += "_"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


@dataclass
class Cluster:
    """The phrases of one variable: value -> phrases."""

    phrases: dict[int, set[str]] = field(default_factory=lambda: {0: set(), 1: set()})

    def value_of(self, phrase: str) -> int | None:
        for value, found in self.phrases.items():
            if phrase in found:
                return value
        return None


@dataclass
class Statement:
    target: list[tuple[int, int]]  # (cluster, value)
    given: list[tuple[int, int]]
    p: Fraction
    sentence: str


@dataclass
class Reading:
    """What the text states, before its phrase groups are matched with graph variables."""

    graph: nx.DiGraph
    unobserved: set[str]
    clusters: list[Cluster]
    statements: list[Statement]
    correlations: list[tuple[str, str, str, Fraction]]
    methods: dict[str, list[str]]
    nouns: set[int] = field(default_factory=set)


class _Text:
    def __init__(self) -> None:
        self.clusters: list[Cluster] = []
        self.nouns: set[int] = set()  # clusters named by nouns (a variable has one noun per value)
        self.redirects: dict[int, int] = {}  # merged cluster -> the one it was merged into

    def cluster(self, phrases: dict[int, list[str]]) -> int:
        """The cluster holding any of these phrases (merging clusters they join), else a new one."""
        hits = sorted({i for i, c in enumerate(self.clusters) for v, ps in phrases.items()
                       for p in ps if p in c.phrases[v]})
        if not hits:
            self.clusters.append(Cluster())
            hits = [len(self.clusters) - 1]
        keep = hits[0]
        for other in hits[1:]:
            for v in (0, 1):
                self.clusters[keep].phrases[v] |= self.clusters[other].phrases[v]
            self.clusters[other] = Cluster()  # emptied; indices stay valid
            self._redirect(other, keep)
        for v, ps in phrases.items():
            self.clusters[keep].phrases[v] |= set(ps)
        if any(h in self.nouns for h in hits):
            self.nouns.add(keep)
        return keep

    def noun(self, phrases: dict[int, list[str]]) -> int:
        index = self.cluster(phrases)
        self.nouns.add(index)
        return index

    def _redirect(self, old: int, new: int) -> None:
        self.redirects[old] = new

    def find(self, index: int) -> int:
        while index in self.redirects:
            index = self.redirects[index]
        return index


def _pct(text: str) -> Fraction:
    return Fraction(text) / 100


def _split_conditions(rows: list[str], k: int) -> list[list[str]] | None:
    """Each row's condition split into k atoms so that rows agreeing on bit j share atom j."""
    options = []
    for row in rows:
        pieces = row.split(" and ")
        cuts = [list(c) for c in itertools.combinations(range(1, len(pieces)), k - 1)]
        options.append([[" and ".join(pieces[a:b]) for a, b in zip([0, *c], [*c, len(pieces)], strict=True)]
                        for c in cuts])

    def search(i: int, chosen: list[list[str]]) -> list[list[str]] | None:
        if i == len(rows):
            return chosen
        for atoms in options[i]:
            ok = True
            for j in range(k):
                bit = (i >> (k - 1 - j)) & 1
                for prev_i, prev in enumerate(chosen):
                    if (prev_i >> (k - 1 - j)) & 1 == bit and prev[j] != atoms[j]:
                        ok = False
            if ok:
                found = search(i + 1, [*chosen, atoms])
                if found:
                    return found
        return None

    return search(0, [])


def read_text(sentences: list[str], graph: nx.DiGraph | None) -> Reading:
    """Graph sentences and probability statements (everything but the question)."""
    text = _Text()
    g = nx.DiGraph() if graph is None else graph.copy()
    unobserved: set[str] = set()
    raw: list[tuple[str, Any]] = []
    correlations: list[tuple[str, str, str, Fraction]] = []
    methods: dict[str, list[str]] = {}
    for sentence in sentences:
        if m := EDGE.match(sentence):
            for target in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(2)):
                g.add_edge(_key(m.group(1)), _key(target))
        elif m := UNOBSERVED.match(sentence):
            unobserved.add(_key(m.group(1)))
        elif m := MARGINAL.match(sentence):
            raw.append(("marginal", (m.group(1), _pct(m.group(2)), sentence)))
        elif m := CONDITIONAL.match(sentence):
            raw.append(("conditional", (m.group(1), m.group(2), _pct(m.group(3)), sentence)))
        elif m := CORRELATION.match(sentence):
            correlations.append((m.group(1), _key(m.group(2)), _key(m.group(3)), Fraction(m.group(4))))
        elif m := JOINT.match(sentence):
            raw.append(("joint", (m.group(1), _pct(m.group(2)), sentence)))
        elif m := METHOD.match(sentence):
            methods[m.group(1)] = [_key(p) for p in re.split(r"\s+and\s+", m.group(4))] if m.group(4) else []
        elif re.match(r"^We know that ", sentence) or re.match(r"^We observed ", sentence):
            raise UnreadableText(f"a deterministic story's sentence in a probabilistic one: {sentence!r}")
        else:
            raise UnreadableText(f"sentence outside CLadder's templates: {sentence!r}")
    statements: list[Statement] = []
    index = 0
    while index < len(raw):
        kind, data = raw[index]
        if kind == "marginal":
            noun, p, sentence = data
            statements.append(Statement([(text.noun({1: [noun]}), 1)], [], p, sentence))
            index += 1
        elif kind == "joint":
            nxt = raw[index + 1] if index + 1 < len(raw) else None
            if nxt is None or nxt[0] != "joint":
                raise UnreadableText(f"a joint probability comes in pairs: {data[2]!r}")
            pair = _split_pair(data[0], nxt[1][0], data[2])
            (a0, b), (a1, _) = pair
            ca = text.noun({0: [a0], 1: [a1]})
            cb = text.noun({1: [b]})
            statements.append(Statement([(ca, 0), (cb, 1)], [], data[1], data[2]))
            statements.append(Statement([(ca, 1), (cb, 1)], [], nxt[1][1], nxt[1][2]))
            index += 2
        else:
            run = [data]
            while (index + len(run) < len(raw) and raw[index + len(run)][0] == "conditional"
                   and raw[index + len(run)][1][1] == data[1]):
                run.append(raw[index + len(run)][1])
            statements.extend(_tables(text, run))
            index += len(run)
    clusters = text.clusters
    for s in statements:
        s.target = [(text.find(c), v) for c, v in s.target]
        s.given = [(text.find(c), v) for c, v in s.given]
    nouns = {text.find(c) for c in text.nouns}
    return Reading(g, unobserved, clusters, statements, correlations, methods, nouns)


def _split_pair(first: str, second: str, sentence: str) -> list[tuple[str, str]]:
    a, b = first.split(" and "), second.split(" and ")
    for i in range(1, len(a)):
        for j in range(1, len(b)):
            if " and ".join(a[i:]) == " and ".join(b[j:]) and " and ".join(a[:i]) != " and ".join(b[:j]):
                return [(" and ".join(a[:i]), " and ".join(a[i:])), (" and ".join(b[:j]), " and ".join(b[j:]))]
    raise UnreadableText(f"cannot split the joint probability into two events: {sentence!r}")


def _tables(text: _Text, run: list[tuple[str, str, Fraction, str]]) -> list[Statement]:
    n = len(run)
    k = n.bit_length() - 1
    if n < 2 or 2 ** k != n:
        raise UnreadableText(f"a table of {n} sentences is not 2^k rows over Boolean conditions: {run[0][3]!r}")
    split = _split_conditions([r[0] for r in run], k)
    if split is None:
        if n == 2:
            raise UnreadableText(f"cannot read the conditions of {run[0][3]!r}")
        half = n // 2
        return _tables(text, run[:half]) + _tables(text, run[half:])
    outcome = text.noun({1: [run[0][1]]})
    conds = []
    for j in range(k):
        phrases: dict[int, list[str]] = {0: [], 1: []}
        for i, atoms in enumerate(split):
            bit = (i >> (k - 1 - j)) & 1
            phrases[bit].append(atoms[j])
        if set(phrases[0]) & set(phrases[1]):  # the generator repeats one phrase for both values
            phrases = {v: [p for p in ps if p not in set(phrases[1 - v])] for v, ps in phrases.items()}
        conds.append(text.cluster(phrases))
    out = []
    for i, (_, _, p, sentence) in enumerate(run):
        bits = [(i >> (k - 1 - j)) & 1 for j in range(k)]
        out.append(Statement([(outcome, 1)], list(zip(conds, bits, strict=True)), p, sentence))
    return out


# --------------------------------------------------------------------------------------------- questions


@dataclass
class Ask:
    """The question: a query over roles, each role a graph name or a (cluster, value) phrase."""

    quantity: str
    refs: dict[str, Any]  # role -> ("name", node) | ("phrase", text)
    threshold: tuple[str, Fraction] | None = None
    negated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def read_question(question: str) -> Ask:
    q = question.strip()
    if m := Q_MARGINAL.match(q):
        return Ask("p", {"Y": ("phrase", m.group(1))}, (">" if m.group(2) == "more" else "<", Fraction(1, 2)))
    if m := Q_CORRELATION.match(q):
        return Ask("assoc", {"Y": ("phrase", m.group(1)), "X": ("phrase", m.group(3))},
                   (">" if m.group(2) == "larger" else "<", Fraction(0)))
    if m := Q_ATE.match(q):
        return Ask("ate", {"X": ("phrase", m.group(1)), "Y": ("phrase", m.group(3))},
                   (">" if m.group(2) == "increase" else "<", Fraction(0)))
    if m := Q_ETT.match(q):
        return Ask("ett", {"X": ("phrase", m.group(1)), "Y": ("phrase", m.group(3))},
                   (">" if m.group(2) == "more" else "<", Fraction(0)))
    if m := Q_NDE.match(q):
        return Ask("nde", {"X": ("name", m.group(2)), "Y": ("name", m.group(4)), "M": ("names", m.group(1))},
                   (">" if m.group(3) == "positively" else "<", Fraction(0)))
    if m := Q_NIE.match(q):
        return Ask("nie", {"X": ("name", m.group(1)), "Y": ("name", m.group(3)), "M": ("names", m.group(4))},
                   (">" if m.group(2) == "positively" else "<", Fraction(0)))
    if m := Q_COLLIDER.match(q):
        return Ask("affects", {"X": ("name", m.group(2)), "Y": ("name", m.group(4))},
                   negated=m.group(3) == "does not affect", extra={"where": m.group(1)})
    if m := Q_EXP_AWAY.match(q):
        return Ask("exp_away", {"C": ("phrase", m.group(1)), "Y": ("phrase", m.group(2)),
                                "X": ("phrase", m.group(4))},
                   (">" if m.group(3) == "increase" else "<", Fraction(0)))
    if m := Q_BACKADJ.match(q):
        return Ask("backdoor", {"X": ("name", m.group(1)), "Y": ("name", m.group(2))},
                   extra={"order": (m.group(3), m.group(4))})
    raise UnreadableText(f"question outside CLadder's templates: {q!r}")


STOP = {"the", "a", "an", "of", "to", "and", "or", "is", "are", "who", "that", "with", "for", "those", "people",
        "not", "no", "in", "on", "by", "be", "being", "has", "have", "had", "do", "does", "don't", "doesn't"}


def words(text: str) -> set[str]:
    """Content words, lightly stemmed (plural s, -ing, -ness dropped), for matching phrases with names.

    >>> sorted(words("Penguins who are happy"))
    ['happy', 'penguin']
    """
    out = set()
    for word in re.findall(r"[a-z0-9'-]+", text.lower()):
        word = word.strip("'")
        if word in STOP or not word:
            continue
        for suffix in ("ness", "ing", "s"):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


def _phrase_ref(reading: Reading, phrase: str, role: str) -> tuple[int, int]:
    """(cluster, value) a question's phrase names: the same phrase; else the atom it ends with (the
    generator's shorter 'wherepartial' form); else the shortest phrase ending with it (a bare name);
    else, for the treatment, the one cluster sharing the most content words with it (value 1, the
    template's treated noun)."""
    found = [(i, c.value_of(phrase)) for i, c in enumerate(reading.clusters) if c.value_of(phrase) is not None]
    if len(found) == 1:
        return found[0]  # type: ignore[return-value]
    every = [(i, v, p) for i, c in enumerate(reading.clusters) for v, ps in c.phrases.items() for p in ps]
    for matches, pick in (([e for e in every if phrase.endswith(" " + e[2])], max),
                          ([e for e in every if e[2].endswith(" " + phrase)], min)):
        if matches:
            best = pick(len(e[2]) for e in matches)
            picked = {(i, v) for i, v, p in matches if len(p) == best}
            if len(picked) == 1:
                return picked.pop()
    if role in {"X", "C"}:
        target = words(phrase)
        scores: dict[int, int] = {}
        for i, _, p in every:
            scores[i] = max(scores.get(i, 0), len(target & words(p)))
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            return ranked[0][0], 1
    raise UnreadableText(f"the question's {phrase!r} is no phrase of the statements")


def _lexical(reading: Reading, assignment: dict[int, str], labels: dict[str, str]) -> int:
    """How many content words the phrase groups share with the graph names they are read as."""
    return sum(len(words(" ".join(p for ps in reading.clusters[c].phrases.values() for p in ps))
                   & words(labels.get(n, n))) for c, n in assignment.items())


# ---------------------------------------------------------------------------------------------- solving

# The generator counts a difference under half a percentage point as no effect (its answers are "no"
# to both "more" and "less" then), so comparisons with 0 (and 1/2 for "more likely than") keep that margin.
MARGIN = Fraction(1, 200)


def _margin(threshold: tuple[str, Fraction]) -> tuple[str, Fraction]:
    op, bound = threshold
    return (op, bound + MARGIN) if op in {">", ">="} else (op, bound - MARGIN)


@dataclass
class Formal:
    """One reading's SCM source and its answer."""

    source: str
    query: str
    status: Status
    answer: Any
    certificate: dict[str, Any]
    cost: int
    lexical: int = 0


def formalize(sentences: list[str], question: str, graph: nx.DiGraph | None = None,
              names: dict[str, str] | None = None) -> Formal:
    """The SCM program of one CLadder question (the reading that states its terms most directly).

    `graph` is given when the text has no graph sentences (the generator's files); `names` then maps the
    question's variable names to its roles.
    """
    reading = read_text(sentences, graph)
    ask = read_question(question)
    if reading.graph.number_of_nodes() == 0:
        raise UnreadableText("the text states no causal graph")
    taken: set[str] = set()
    idents = {n: _ident(n, taken) for n in sorted(reading.graph.nodes)}
    g = reading.graph = nx.relabel_nodes(reading.graph, idents)
    nodes = sorted(g.nodes)
    labels = {ident: label for label, ident in idents.items()}
    for name, role in (names or {}).items():  # the question's names of the generator files' roles
        if role in labels:
            labels[role] += " " + name

    def node(name: str, exclude: set[str] | None = None) -> str:
        key = _key(names.get(name, name) if names else name)
        if key in idents:
            return idents[key]
        if names and name in names:
            return names[name]
        scores = sorted(((len(words(name) & words(label)), ident) for label, ident in idents.items()), reverse=True)
        if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            return scores[0][1]
        rest = sorted(set(g.nodes) - (exclude or set()))
        if exclude is not None and len(rest) == 1:
            return rest[0]  # the one variable no other phrase of the question names
        raise UnreadableText(f"the question names {name!r}, which is no variable of the graph")

    if ask.quantity in {"affects", "backdoor"}:
        try:
            x = node(ask.refs["X"][1])
        except UnreadableText:
            x = ""
        placed = {x} if x else set()
        if "where" in ask.extra:
            with contextlib.suppress(UnreadableText):
                placed.add(node(ask.extra["where"]))
        y = node(ask.refs["Y"][1], placed if len(placed) == 2 else None)
        x = x or node(ask.refs["X"][1], {y, *placed} if len(placed) == 1 else None)
        if ask.quantity == "affects":
            query = Query("affects", names=[x, y], negated=ask.negated)
        else:
            first, second = ask.extra["order"]
            if set(reading.methods) != {"1", "2"}:
                raise UnreadableText("the question compares Method 1 and Method 2; the text does not state both")
            sets = [[node(n) for n in reading.methods[first]], [node(n) for n in reading.methods[second]]]
            query = Query("backdoor", names=[x, y], sets=sets)
        return _solve(reading, {}, query, g)
    used = sorted({c for s in reading.statements for c, _ in [*s.target, *s.given]})
    pinned: dict[str, Any] = {}
    for role, (kind, text) in ask.refs.items():
        if kind == "phrase":
            pinned[role] = _phrase_ref(reading, text, role)
        elif kind == "name":
            pinned[role] = node(text)
        else:
            pinned[role] = [node(t) for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", text)]
    together = [{c for c, _ in [*s.target, *s.given]} for s in reading.statements]
    together.append({c for c in used if c in reading.nouns})
    results: list[Formal] = []
    undecided: list[Formal] = []
    for assignment in _assignments(used, nodes, together):
        query = _query(ask, pinned, assignment)
        if query is None:
            continue
        try:
            formal = _solve(reading, assignment, query, g)
        except Unidentified:
            continue
        formal.lexical = _lexical(reading, assignment, labels)
        if formal.status == Status.SOLVED:
            results.append(formal)
        elif "terms" in formal.certificate:  # read, but only bounds follow: the honest answer is unknown
            undecided.append(formal)
    if not results and undecided:
        return min(undecided, key=lambda r: (r.cost, -r.lexical))
    if not results:
        raise UnreadableText("no reading of the statements identifies the question's quantity")
    best = min((r.cost, -r.lexical) for r in results)
    top = [r for r in results if (r.cost, -r.lexical) == best]
    answers = {r.answer for r in top}
    if len(answers) > 1:
        raise UnreadableText(f"the statements read in {len(top)} ways that answer differently")
    return top[0]


def _assignments(clusters: list[int], nodes: list[str], together: list[set[int]]):
    """Maps cluster -> node under which no statement mentions one node twice."""
    conflicts = {c: set() for c in clusters}
    for group in together:
        for a in group:
            conflicts[a] |= group - {a}
    order = sorted(clusters, key=lambda c: -len(conflicts[c]))

    def extend(i: int, current: dict[int, str]):
        if i == len(order):
            yield dict(current)
            return
        c = order[i]
        for n in nodes:
            if any(current.get(o) == n for o in conflicts[c]):
                continue
            current[c] = n
            yield from extend(i + 1, current)
            del current[c]

    yield from extend(0, {})


def _query(ask: Ask, pinned: dict[str, Any], assignment: dict[int, str]) -> Query | None:
    if ask.threshold is not None:
        ask = Ask(ask.quantity, ask.refs, ask.threshold, ask.negated, ask.extra)

    def resolve(role: str) -> tuple[str, int]:
        ref = pinned[role]
        if isinstance(ref, tuple):
            return assignment[ref[0]], ref[1]
        return ref, 1

    y, yv = resolve("Y")
    if ask.quantity == "p":
        if yv != 1:
            return None
        return Query("estimand", quantity="p", names=[y], threshold=_margin(ask.threshold))  # type: ignore[arg-type]
    x, xv = resolve("X")
    if x == y:
        return None
    if ask.quantity in {"assoc", "ate"}:
        if yv != 1 or xv != 1:
            return None
        return Query("estimand", quantity=ask.quantity, names=[x, y],
                     threshold=_margin(ask.threshold))  # type: ignore[arg-type]
    if ask.quantity == "ett":
        # "For X=t, would Y be more likely had X been 1-t": E[Y_{1-t} - Y_t | X=t] = -(1-2t)... sign flip
        op, bound = ask.threshold  # type: ignore[misc]
        if xv == 1:  # E[Y_0 - Y_1 | X=1] > 0  <=>  ett < 0
            op = "<" if op == ">" else ">"
        return Query("estimand", quantity="ett", names=[x, y], bits={x: xv}, threshold=_margin((op, bound)))
    if ask.quantity in {"nde", "nie"}:
        return Query("estimand", quantity=ask.quantity, names=[x, y], via=pinned["M"],
                     threshold=_margin(ask.threshold))  # type: ignore[arg-type]
    if ask.quantity == "exp_away":
        c, cv = resolve("C")
        if len({x, y, c}) < 3 or yv != 1:
            return None
        op, bound = ask.threshold  # type: ignore[misc]
        if xv == 0:
            op = "<" if op == ">" else ">"
        return Query("estimand", quantity="exp_away", names=[x, y], bits={c: cv}, threshold=_margin((op, bound)))
    return None


def _solve(reading: Reading, assignment: dict[int, str], query: Query, g: nx.DiGraph) -> Formal:
    store = Store(g)
    for s in reading.statements:
        target = {assignment[c]: v for c, v in s.target if c in assignment}
        given = {assignment[c]: v for c, v in s.given if c in assignment}
        if len(target) != len(s.target) or len(given) != len(s.given):
            continue
        store.state(target, given, s.p)
    status, answer, certificate = answer_graph_query(g, query, store)
    source = _source(g, store)
    return Formal(source, query.describe(), status, answer, certificate, int(certificate.get("derivations", 0)))


def _source(g: nx.DiGraph, store: Store) -> str:
    lines = ["graph " + ", ".join(f"{a} -> {b}" for a, b in sorted(g.edges))]
    for (target, given), p in store.facts.items():
        t = ", ".join(f"{n} = {v}" for n, v in sorted(target))
        gv = ", ".join(f"{n} = {v}" for n, v in sorted(given))
        lines.append(f"known p({t}{' | ' + gv if gv else ''}) = {p}")
    return "\n".join(lines) + "\n"


def problem_fields(text: str | None, given_info: str | None, question: str, graph_id: str | None = None,
                   names: dict[str, str] | None = None, reading: str = "dataset") -> dict[str, Any]:
    """{model, query} of a CLadder row: v1.5's `prompt`, or the generator's given_info + question + graph.
    `reading` matters to deterministic stories only (deterministic_fields); theirs also carry `readings`,
    each reading's {model, query}, for the option `reading` to choose from."""
    if text is not None:
        body = PREAMBLE.sub("", text.strip())
        sentences = _sentences(body)
        if not sentences or not sentences[-1].endswith("?"):
            raise UnreadableText("the prompt does not end with a question")
        question = sentences[-1]
        sentences = sentences[:-1]
        if any(s.startswith("We know that ") for s in sentences):
            return _deterministic_readings(sentences, question, None, reading)
        graph = None
    else:
        sentences = _sentences(given_info or "")
        if graph_id not in GRAPHS:
            raise UnreadableText(f"unknown graph_id {graph_id!r}")
        graph = nx.DiGraph([tuple(e.split("->")) for e in GRAPHS[graph_id].split(",")])
        if any(s.startswith("We know that ") for s in sentences):
            return _deterministic_readings(sentences, question, graph, reading)
    formal = formalize(sentences, question, graph, names)
    return {"model": formal.source, "query": "query " + formal.query}


def formalize_problem(problem: Problem) -> Program:
    """The text reader `cladder` (formalize.TEXT_READERS): a CLadder row read into an SCM program. The
    engine calls it in a sandbox worker under the row's limits, since choosing a reading solves every
    consistent assignment of phrases to variables with the causal engine (seconds on some rows).

    A v1.5 row is its `prompt` (the problem's text); a generator row is its `given_info` (the text), its
    question, and the options `cladder_graph` and `cladder_names` (neurosym.datasets.cladder). Option
    `reading` ('dataset', the default, or 'strict') reads the deterministic stories.

    >>> program = formalize_problem(Problem(id="r", text="Husband has a direct effect on alarm clock. The overall "
    ...     "probability of alarm set by husband is 10%. For husbands that don't set the alarm, the probability "
    ...     "of ringing alarm is 20%. For husbands that set the alarm, the probability of ringing alarm is 70%. "
    ...     "Will alarm set by husband increase the chance of ringing alarm?", options={"reader": "cladder"}))
    >>> program.language, program.fields["query"]
    ('scm', 'query ate(husband, alarm_clock) > 1/200')
    """
    options = dict(problem.options)
    try:
        reading = check_reading(str(options.get("reading", "dataset")))
        if options.get("cladder_graph") is not None:
            fields = problem_fields(None, str(problem.text), str(problem.question or ""), str(options["cladder_graph"]),
                                    dict(options.get("cladder_names") or {}), reading)
        else:
            fields = problem_fields(str(problem.text), None, "", reading=reading)
    except (UnreadableText, ValueError) as exc:
        raise NeurosymError(ErrorKind.INPUT, f"CLadder row {problem.id!r}: {exc}") from None
    consumed = ("reader", "reading", "cladder_graph", "cladder_names")  # the program is read: they are spent
    return Program("scm", {"model": fields["model"], "query": fields["query"]}, origin="cladder",
                   options={k: v for k, v in options.items() if k not in consumed})


# -- deterministic stories (det-counterfactual) ------------------------------------------------------------

Q_DET = re.compile(r"^Would (.+?) if (.+) instead of (.+)\?$")
OBSERVED = re.compile(r"^We observed (.+?)\.?$")
NEGATIONS = {"not", "no", "non", "never", "without", "absence", "lack", "don't", "doesn't", "isn't", "aren't",
             "didn't", "won't", "cannot"}
_FILLER = {"the", "a", "an", "of", "to", "is", "are", "be", "being", "been", "has", "have", "had", "do", "does",
           "did", "by", "in", "on", "at", "for", "from", "with", "that", "who", "which", "and", "or", "person",
           "people", "individual", "patient"}


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s", "ion"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def _content(text: str) -> tuple[list[str], bool]:
    """(stemmed content words, whether the text is negated an odd number of times)."""
    tokens = [t.removesuffix("'s") for t in re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())]
    negations = sum(t in NEGATIONS for t in tokens)
    return [_stem(t) for t in tokens if t not in NEGATIONS and t not in _FILLER], negations % 2 == 1


def _same_word(a: str, b: str) -> bool:
    """One word in two forms: the same stem, a shared 4-letter start ("decides", "decision"), or all but the
    shorter's last letter ("dead", "death")."""
    common = len(next((a[:i] for i in range(min(len(a), len(b)), 0, -1) if a[:i] == b[:i]), ""))
    return a == b or common >= 4 or common >= max(3, min(len(a), len(b)) - 1)


def _overlap(phrase: str, text: str) -> int:
    """How many of the phrase's content words the text has (`_same_word`)."""
    words_of_text = _content(text)[0]
    return sum(any(_same_word(w, t) for t in words_of_text) for w in _content(phrase)[0])


def same_value(sentence: str, phrase: str) -> bool:
    """Whether a sentence states the value a noun phrase names: it has every content word of the phrase
    and the same parity of negation ("the person has a low skill level" is not "high skill level").

    >>> same_value("the alarm rings the next morning", "ringing alarm")
    True
    >>> same_value("the person avoids cholera", "cholera contraction")
    False
    >>> same_value("an individual is not zupj", "zupj")
    False
    """
    words_of_phrase, negated_phrase = _content(phrase)
    negated_sentence = _content(sentence)[1]
    return _overlap(phrase, sentence) == len(words_of_phrase) and negated_phrase == negated_sentence


def _assign_phrases(mechanisms: list[Mechanism], g: nx.DiGraph, fixed: dict[str, str]) -> dict[str, str]:
    """Phrase -> graph node: the assignments under which every statement's causes are exactly its effect's
    parents, every caused node is caused by one statement, and a node has one value-1 noun (the phrase it is
    a cause by), and the `fixed` phrases are their nodes; among them the one whose phrases share most words
    with the nodes' names."""
    phrases = sorted({m.effect for m in mechanisms} | {t for m in mechanisms for t, _ in m.causes})
    caused = {n for n in g.nodes if g.in_degree(n)}
    best: list[dict[str, str]] = []
    best_score = -1
    nodes = sorted(g.nodes)
    for choice in itertools.product(nodes, repeat=len(phrases)):
        assign = dict(zip(phrases, choice, strict=True))
        if any(assign.get(p, n) != n for p, n in fixed.items()):
            continue
        effects = [assign[m.effect] for m in mechanisms]
        if len(set(effects)) != len(effects) or set(effects) != caused:
            continue
        if any({assign[t] for t, _ in m.causes} != set(g.predecessors(assign[m.effect]))
               or len({assign[t] for t, _ in m.causes}) != len(m.causes) for m in mechanisms):
            continue
        nouns: dict[str, str] = {}
        if any(nouns.setdefault(assign[t], t) != t for m in mechanisms for t, _ in m.causes):
            continue
        score = sum(_overlap(p, n) for p, n in assign.items())
        if score > best_score:
            best, best_score = [assign], score
        elif score == best_score:
            best.append(assign)
    if not best:
        raise UnreadableText("no reading of the statements fits the stated graph: "
                             + "; ".join(f"{', '.join(t for t, _ in m.causes)} -> {m.effect}" for m in mechanisms))
    if len(best) > 1:
        raise UnreadableText(f"the statements fit the graph in {len(best)} ways equally well: "
                             + " | ".join(", ".join(f"{p} = {n}" for p, n in a.items()) for a in best))
    return best[0]


def _observations(text: str, nodes: list[str], nouns: dict[str, str]) -> list[tuple[str, bool]]:
    """(node, value) of each observed sentence ("the person has good health and the region has high
    poverty"): the generator states one sentence per source node, so the text is split into that many
    sentences, each the node whose noun (or name) it shares most words with, its value by `same_value`."""
    pieces = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if p.strip()]
    if len(nodes) == 0 or len(pieces) < len(nodes):
        raise UnreadableText(f"cannot read the observation {text!r} as a value of each of: {', '.join(nodes)}")
    best: tuple[int, list[tuple[str, bool]]] | None = None
    for cuts in itertools.combinations(range(1, len(pieces)), len(nodes) - 1):
        bounds = [0, *cuts, len(pieces)]
        items = [" and ".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]
        for order in itertools.permutations(nodes):
            score = sum(_overlap(nouns[n], item) + _overlap(n, item) for n, item in zip(order, items, strict=True))
            if all(_overlap(nouns[n], item) + _overlap(n, item) for n, item in zip(order, items, strict=True)) and \
                    (best is None or score > best[0]):
                best = (score, [(n, same_value(item, nouns[n])) for n, item in zip(order, items, strict=True)])
    if best is None:
        raise UnreadableText(f"cannot read the observation {text!r} as a value of each of: {', '.join(nodes)}")
    return best[1]


def deterministic_fields(sentences: list[str], question: str, graph: nx.DiGraph | None = None,
                         reading: str = "dataset") -> dict[str, str]:
    """{model, query} of a det-counterfactual row: the stated graph's nodes, the equations its "We know
    that" sentences state, the observed source values, and "Would Y if x instead of x'?" as
    `value Y do(X = x) given ...` (`value not Y` when the question's sentence is Y's other value).
    `graph` is CLadder's graph of the row (the generator's files state none; the treatment is its X).

    CLadder's generator states a negated effect by the effect's value-0 noun, and its diamond-cut template
    words "V1 causes not X and V3" where its equations negate V3, not X (the treatment, whose equation an
    intervention cuts anyway); the `dataset` reading follows the equations, `strict` the words.

    >>> fields = deterministic_fields([
    ...     "Yupt has a direct effect on muvq.", "Zupj has a direct effect on muvq.",
    ...     "We know that yupt and zupj causes muvq.", "We observed an individual is not zupj."],
    ...     "Would an individual is muvq if not yupt instead of yupt?")
    >>> fields["query"]
    'query value muvq do(yupt = false) given not zupj'
    """
    check_reading(reading)
    g = nx.DiGraph() if graph is None else graph.copy()
    story: list[str] = []
    observed: str | None = None
    for sentence in sentences:
        if m := EDGE.match(sentence):
            for target in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(2)):
                g.add_edge(_key(m.group(1)), _key(target))
        elif UNOBSERVED.match(sentence):
            continue
        elif (m := OBSERVED.match(sentence)) and observed is None:
            observed = m.group(1)
        elif sentence.startswith("We know that") or (story and observed is None):
            story.append(sentence)  # the generator starts its second statement lower-case
        else:
            raise UnreadableText(f"sentence outside CLadder's deterministic templates: {sentence!r}")
    if not story or g.number_of_nodes() == 0:
        raise UnreadableText("a deterministic story needs graph sentences and 'We know that' statements")
    try:
        mechanisms = read_mechanisms(" ".join(story), phrase_term)
    except UnreadableStory as exc:
        raise UnreadableText(str(exc)) from None
    q = Q_DET.match(question.strip())
    if not q:
        raise UnreadableText(f"question outside CLadder's deterministic template: {question!r}")
    outcome, action, original = q.group(1), q.group(2).strip().lower(), q.group(3).strip().lower()
    cause_nouns = {t for m in mechanisms for t, _ in m.causes}
    x_noun = next((p for p in (action, original) if p in cause_nouns), None)
    if x_noun is None:
        raise UnreadableText(f"neither {action!r} nor {original!r} is a cause the statements name: {question!r}")
    assign = _assign_phrases(mechanisms, g, {} if graph is None else {x_noun: "X"})
    nouns = {assign[t]: t for m in mechanisms for t, _ in m.causes}  # node -> its value-1 noun
    for m in mechanisms:
        nouns.setdefault(assign[m.effect], m.effect)  # a node caused only: its stated noun is the reference
    for node in g.nodes:
        nouns.setdefault(node, node)  # a node no statement names: its name
    x = assign[x_noun]
    sinks = [n for n in g.nodes if g.out_degree(n) == 0]
    y = max(sinks, key=lambda n: _overlap(nouns[n], outcome) + _overlap(n, outcome))
    if not _overlap(nouns[y], outcome) + _overlap(y, outcome):
        raise UnreadableText(f"the question's outcome {outcome!r} names no variable of the graph")
    taken: set[str] = set()
    ident = {n: _ident(n, taken) for n in sorted(g.nodes)}
    by_phrase = {p: ident[n] for p, n in assign.items()}
    # an effect stated by a noun other than its node's value-1 noun is that node's value 0
    signs = [m.positive == (m.effect == nouns[assign[m.effect]]) for m in mechanisms]
    if reading == "dataset":  # the diamond-cut template: the negation its words put on X is V3's
        for i, m in enumerate(mechanisms):
            partners = [j for j, o in enumerate(mechanisms) if o.statement == m.statement and j != i]
            if assign[m.effect] == x and not signs[i] and partners:
                signs[i] = True
                for j in partners:
                    signs[j] = not signs[j]
    equations = {ident[assign[m.effect]]: Mechanism(m.effect, sign, m.joiner, m.causes, m.statement)
                 .expression(by_phrase) for m, sign in zip(mechanisms, signs, strict=True)}
    sources = sorted(n for n in g.nodes if g.in_degree(n) == 0 and n != x)
    given = [] if observed is None else _observations(observed, sources, nouns)
    model = scm_model(equations, ident.values())
    query = value_query(ident[y], [(ident[x], action == x_noun)], [(ident[n], v) for n, v in given],
                        asked=same_value(outcome, nouns[y]))
    return {"model": model, "query": query}



def _deterministic_readings(sentences: list[str], question: str, graph: nx.DiGraph | None,
                            reading: str) -> dict[str, Any]:
    check_reading(reading)
    readings = {name: deterministic_fields(sentences, question, graph, name) for name in READINGS}
    return {**readings[reading], "readings": readings}
