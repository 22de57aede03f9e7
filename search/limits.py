"""Bounds on the work one query can cause, so that a few expensive queries cannot starve the cheap ones.

Why: exact phrases were matched on whoosh's positional index in pure Python, holding the searcher's lock;
eight quoted phrases of repeated "0" kept a request busy for 11–25 s, and eight such requests made an
ordinary query time out. Phrases are now a substring scan of the passage text (search/textstore.py, tens
of milliseconds at 96k passages), and the bounds stay: they cap the work whatever the matcher. The bounds (settings in search/config.py):

* MAX_PHRASES quoted phrases per query, each at most MAX_PHRASE_CHARS characters — more is a 400 that says
  the limit (`QueryRejected`); a phrase repeated in the query is matched once;
* MAX_PHRASE_MATCHES passages taken from one phrase (the candidate set every later stage works on);
* QUERY_TIME_BUDGET seconds of work per request: the engine checks the budget between stages and between
  phrases; past it the request is answered with a 400 that names the
  budget (`QueryTooExpensive`). Loading a new index generation does not count against it.

The deadline is per request (a context variable set by the web app); the CLI runs without one.
"""
from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class QueryLimits:
    max_phrases: int = 4
    max_phrase_chars: int = 40
    max_phrase_matches: int = 5000
    time_budget: float = 5.0

    @classmethod
    def from_config(cls, config) -> "QueryLimits":
        return cls(max_phrases=int(config["MAX_PHRASES"]), max_phrase_chars=int(config["MAX_PHRASE_CHARS"]),
                   max_phrase_matches=int(config["MAX_PHRASE_MATCHES"]),
                   time_budget=float(config["QUERY_TIME_BUDGET"]))


class QueryRejected(ValueError):
    """A query over one of the limits; answered with 400 and this code and message."""

    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class QueryTooExpensive(QueryRejected):
    def __init__(self, budget: float | None):
        shown = f"{budget:g} s" if budget else "its time budget"
        super().__init__("query_too_expensive",
                         f"the query needed more than {shown} of work (QUERY_TIME_BUDGET); "
                         f"use fewer or shorter quoted phrases, or more specific words")


def checked_phrases(phrases: list[str], bounds: QueryLimits) -> list[str]:
    """The distinct phrases (first occurrence order), or QueryRejected naming the limit they break."""
    distinct = list(dict.fromkeys(phrases))
    if len(distinct) > bounds.max_phrases:
        raise QueryRejected("too_many_phrases",
                            f"the query has {len(distinct)} quoted phrases; the limit is {bounds.max_phrases}")
    for phrase in distinct:
        if len(phrase) > bounds.max_phrase_chars:
            raise QueryRejected("phrase_too_long",
                                f"a quoted phrase is {len(phrase)} characters; the limit is "
                                f"{bounds.max_phrase_chars}")
    return distinct


# -- the per-request deadline --------------------------------------------------------------------------------

_DEADLINE: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("budget_deadline",
                                                                                     default=None)


def start(budget: float | None) -> None:
    """Begin a request's budget (None or <= 0: unlimited)."""
    _DEADLINE.set((time.monotonic() + budget, budget) if budget and budget > 0 else None)


def clear() -> None:
    _DEADLINE.set(None)


def extend(seconds: float) -> None:
    """Give back time the request spent on something that is not its own work (loading a generation)."""
    deadline = _DEADLINE.get()
    if deadline is not None and seconds > 0:
        _DEADLINE.set((deadline[0] + seconds, deadline[1]))


def check() -> None:
    """Raise QueryTooExpensive when the request has used up its budget."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise QueryTooExpensive(deadline[1])


def budget() -> float | None:
    deadline = _DEADLINE.get()
    return deadline[1] if deadline else None
