"""Small document records for the unit tests of question understanding and operations (no index)."""
from __future__ import annotations

from dataclasses import dataclass

from search.metadata import region_of


@dataclass
class Doc:
    doc_id: str
    unit: str
    year: int = 2026
    kind: str = "预算"
    region: str = ""
    file: str = ""

    def __post_init__(self):
        self.region = region_of(self.unit)   # as the indexer's metadata step sets it
