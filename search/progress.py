"""Build progress on stderr: every phase of a build says what it does, how far it is and how long is left.

Why: on a 2,000-document archive a build runs for minutes; it used to go silent for eight of them after the
reading bar ended (the keyword index being written). Countable phases get a tqdm bar (count, rate, time
left); phases that are one long call (the keyword index commit, the swap) print a line when they start
and their duration when they end. Off (silent) unless the caller asks for progress.
"""
from __future__ import annotations

import contextlib
import sys
import time


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


class BuildProgress:
    """Phases of one build, numbered as they start ("[3] keyword index: committing 96,257 passages …")."""

    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.count = 0
        self.timings: dict[str, float] = {}

    def bar(self, phase: str, total: int, unit: str):
        """A counting bar for a phase with a known number of items (files, passages)."""
        self.count += 1
        if not self.enabled or not total:
            return _Silent()
        from tqdm import tqdm

        return tqdm(total=total, desc=f"[{self.count}] {phase}", unit=unit, file=self.stream, mininterval=1.0,
                    smoothing=0.1)

    @contextlib.contextmanager
    def phase(self, phase: str, detail: str = ""):
        """One long step: a line when it starts, its duration when it ends (also kept in `timings`)."""
        self.count += 1
        started = time.perf_counter()
        if self.enabled:
            print(f"[{self.count}] {phase}{': ' + detail if detail else ''} …", file=self.stream, flush=True)
        yield
        seconds = time.perf_counter() - started
        self.timings[phase] = self.timings.get(phase, 0.0) + seconds
        if self.enabled:
            print(f"[{self.count}] {phase}: done in {seconds:.1f}s", file=self.stream, flush=True)
