"""Figures layer (see issue 3): registered as a build stage; filled in by the figures extraction."""
from __future__ import annotations


def facts_stage(conn, added, removed_ids) -> None:
    return None
