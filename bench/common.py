"""Helpers shared by the bench scripts: the repository on sys.path and the one-folder benchmark corpus."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # the bench scripts run as files, not as part of the package

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-2026"
DEFAULT_SAMPLES = ROOT / "corpus"
QUERIES = BENCH / "queries.txt"


def pick_evenly(items: list, limit: int | None) -> list:
    """A subset spread over the sorted list: file names start with the city, so this spans many cities."""
    if not limit or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def assemble_corpus(pdf_dir: Path, samples_dir: Path, dest: Path, pdf_limit: int | None = None) -> dict:
    """One corpus folder holding copies of the PDFs and the samples (copies, not links: the indexer skips a
    link that points out of the corpus folder, and the incremental measurement appends to files)."""
    dest.mkdir(parents=True, exist_ok=True)
    pdfs = pick_evenly(sorted(p for p in Path(pdf_dir).iterdir() if p.suffix.lower() == ".pdf"), pdf_limit)
    for pdf in pdfs:
        shutil.copyfile(pdf, dest / pdf.name)
    samples = sorted(p for p in Path(samples_dir).iterdir() if p.is_file() and not p.name.startswith("."))
    for sample in samples:
        shutil.copyfile(sample, dest / sample.name)
    return {"folder": str(dest), "pdfs": len(pdfs), "samples": len(samples),
            "bytes": sum(p.stat().st_size for p in pdfs) + sum(p.stat().st_size for p in samples)}


def load_queries(path: Path = QUERIES, limit: int | None = None) -> list[str]:
    """One query per line; '#' lines are comments. limit takes the first N (the file is shuffled)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    queries = [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]
    return queries[:limit] if limit else queries


def own_peak_rss_kib() -> int:
    """This process's VmHWM (peak resident set) in KiB, as the kernel keeps it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
