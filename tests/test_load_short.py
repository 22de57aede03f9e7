"""Short form of the load test (bench/load.py): 4 clients for 5 seconds against a real server on loopback."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_short_load_run_has_no_errors(tmp_path):
    out = tmp_path / "load.json"
    command = [sys.executable, str(ROOT / "bench" / "load.py"), "--clients", "4", "--seconds", "5",
               "--port", str(free_port()), "--json-out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.terminate()   # load.py stops its server on SIGTERM
        output, _ = process.communicate(timeout=30)
        raise AssertionError(f"load test did not finish in time:\n{output}") from None
    assert process.returncode == 0, output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == 0, output
    for endpoint in ("search", "ask"):
        row = result["endpoints"][endpoint]
        assert row["requests"] > 0 and row["errors"] == 0, output
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
    assert "req/s" in output and "p99 ms" in output
