"""Majority vote over the candidate programs of one problem (K samples of a formalizer).

Only decided candidates vote (status `solved`); errors, timeouts and give-ups are counted and reported,
never turned into a vote and never replaced by a guess. Two answers are the same vote when the language
says they are the same verdict (two different valid plans both say "solvable"). A tie is reported as a
tie and broken by one documented, deterministic rule: the tied answer whose first vote came from the
earliest candidate (sample 0 before sample 1, round 0 before round 1) wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from neurosym.formalize.base import Candidate
from neurosym.result import ErrorInfo, ErrorKind, Result, Status

SameVerdict = Callable[[Any, Any], bool]


@dataclass
class Ballot:
    """One candidate's verdict: its status and, when it decided, its answer."""

    status: Status
    answer: Any = None


@dataclass
class Tally:
    """The vote of one problem: the winning answer (None when no candidate decided) and the counts."""

    answer: Any
    decided: int
    votes: list[tuple[Any, int]] = field(default_factory=list)  # (answer, count), most votes first
    not_decided: dict[str, int] = field(default_factory=dict)  # status -> count, for those that did not vote
    tie: bool = False
    winner_index: int | None = None  # the candidate whose answer is reported

    def to_dict(self) -> dict[str, Any]:
        return {"votes": [{"answer": answer, "count": count} for answer, count in self.votes],
                "decided": self.decided, "not_decided": self.not_decided, "tie": self.tie,
                "tie_rule": "earliest candidate" if self.tie else None}


def tally(ballots: Sequence[Ballot], same_verdict: SameVerdict | None = None) -> Tally:
    """Count the decided ballots by verdict; the majority wins, a tie goes to the earliest candidate.

    Examples
    --------
    >>> solved, error = Status.SOLVED, Status.ERROR
    >>> t = tally([Ballot(solved, "true"), Ballot(error), Ballot(solved, "false"), Ballot(solved, "true")])
    >>> t.answer, t.decided, t.votes, t.not_decided, t.tie
    ('true', 3, [('true', 2), ('false', 1)], {'error': 1}, False)
    >>> t = tally([Ballot(Status.TIMEOUT), Ballot(solved, "false"), Ballot(solved, "true")])
    >>> t.answer, t.tie, t.winner_index
    ('false', True, 1)
    >>> tally([Ballot(error), Ballot(Status.TIMEOUT)]).answer is None
    True
    """
    same = same_verdict or (lambda a, b: a == b)
    groups: list[list[int]] = []  # candidate indices per verdict, in order of first appearance
    not_decided: Counter[str] = Counter()
    for index, ballot in enumerate(ballots):
        if ballot.status != Status.SOLVED:
            not_decided[str(ballot.status)] += 1
            continue
        group = next((g for g in groups if same(ballots[g[0]].answer, ballot.answer)), None)
        if group is None:
            groups.append([index])
        else:
            group.append(index)
    decided = sum(len(g) for g in groups)
    if not groups:
        return Tally(None, 0, [], dict(not_decided))
    # Most votes first; among equals the group whose first vote came earliest (stable sort keeps that order).
    ranked = sorted(groups, key=lambda g: -len(g))
    tie = len(ranked) > 1 and len(ranked[0]) == len(ranked[1])
    winner = ranked[0][0]
    votes = [(ballots[g[0]].answer, len(g)) for g in ranked]
    return Tally(ballots[winner].answer, decided, votes, dict(not_decided), tie, winner)


def decide(problem_id: str, language: str | None, candidates: Sequence[Candidate], formalizer: str,
           same_verdict: SameVerdict | None = None) -> Result:
    """The Result of a problem from its candidates: the vote's answer, every candidate kept.

    The winner's backend and certificate are reported, with the vote added to the certificate. When no
    candidate decided, the status says why (all timed out: timeout; all gave up: unknown; else error, the
    first candidate's error kind) and the message counts the failures; no answer is made up.
    """
    voting = [c for c in candidates if not c.superseded]
    ballots = [Ballot(c.result.status, c.result.answer) if c.result is not None else Ballot(Status.ERROR)
               for c in voting]
    counted = tally(ballots, same_verdict)
    kept = [c.to_dict() for c in candidates]
    samples = {"samples": len(voting), "read": sum(c.program is not None for c in voting),
               "parsed": sum(c.result is not None and (c.result.status != Status.ERROR
                                                       or c.result.error is None
                                                       or c.result.error.kind not in _UNPARSED)
                             for c in voting),
               "decided": counted.decided, "rounds": max((c.round for c in candidates), default=0)}
    if counted.winner_index is not None:
        winner = voting[counted.winner_index].result
        assert winner is not None
        certificate = {**(winner.certificate or {}), "vote": counted.to_dict(), "formalizer": formalizer,
                       **samples}
        return Result(problem_id, language, Status.SOLVED, answer=winner.answer, backend=winner.backend,
                      certificate=certificate, seconds=sum(c.result.seconds for c in voting if c.result),
                      timings=dict(winner.timings), program=winner.program, candidates=kept)
    statuses = {str(b.status) for b in ballots}
    status = Status.TIMEOUT if statuses == {"timeout"} else Status.UNKNOWN if statuses == {"unknown"} \
        else Status.ERROR
    first_error = next((c.error or (c.result.error if c.result else None) for c in voting
                        if c.error or (c.result and c.result.error)), None)
    summary = ", ".join(f"{count} {status_}" for status_, count in sorted(counted.not_decided.items()))
    message = f"no candidate decided ({summary or 'no candidates'})"
    if first_error is not None:
        message += f"; the first error: {first_error.message}"
    error = ErrorInfo(first_error.kind if first_error else ErrorKind.INPUT, message,
                      first_error.line if first_error else None, first_error.column if first_error else None)
    return Result(problem_id, language, status, error=error if status == Status.ERROR else None,
                  certificate={"vote": counted.to_dict(), "formalizer": formalizer, **samples},
                  seconds=sum(c.result.seconds for c in voting if c.result), candidates=kept)


_UNPARSED = {ErrorKind.SYNTAX, ErrorKind.TYPE, ErrorKind.INPUT}
