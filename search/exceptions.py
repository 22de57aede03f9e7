"""The exceptions that cross module boundaries, in one module that imports nothing of ours.

Keeping them here is what lets the error handlers, the engine, the backends and the indexer name each
other's failures without importing each other (the backends -> milvus -> indexer -> backends cycle).
Each message tells the user what to do about it.
"""
from __future__ import annotations


class UnreadableFile(Exception):
    """A corpus file is skipped; str(exc) is the one-line reason shown in the CLI and /api/health."""


class PendingOcr(UnreadableFile):
    """Every page with content is a scan whose OCR has not run yet: the file is pending, not skipped."""

    def __init__(self, pages: int):
        super().__init__(f"waiting for OCR of {pages} scanned page(s)")
        self.pages = pages


class IndexNotReady(Exception):
    """No index generation can be served yet (none built, or a build is under way)."""


class IncompatibleIndex(Exception):
    """The index on disk was built by other code, dictionary, model or backend: rebuild it."""


class CorruptIndex(IncompatibleIndex):
    """A generation whose files are damaged or incomplete (an emptied store.sqlite, a missing keyword
    folder, counts that disagree with the manifest): found when it is validated on load or before a build."""
