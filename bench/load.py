#!/usr/bin/env python
"""Load test: concurrent clients against a server this script starts itself, on loopback only.

    python bench/load.py [--clients 8] [--seconds 30] [--port 5077] [--corpus corpus] [--json-out FILE]

Starts the service with the README's run command (`python app.py --port P --corpus corpus --index <tmpdir>
--model none`) on 127.0.0.1, waits for /api/health, warms up, then runs N client threads (stdlib threads +
urllib) for S seconds over a fixed mix of /api/search and /api/ask queries. Prints requests/s, p50/p95/p99
latency per endpoint and overall, and the error count (any non-200 response or exception). Stops the server
and removes the temporary index when done. Exit status: 0 with no errors, 1 with errors, 2 if the server
could not be started.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"   # never anything but loopback
REQUEST_TIMEOUT_S = 30
MAX_REQUESTS_PER_CLIENT = 1_000_000   # a second bound besides the deadline

SEARCH_QUERIES = [
    "三公经费",
    "东昌府区医疗保障局项目支出",
    "公务接待费",
    "机关运行经费",
    "政府采购",
    "因公出国(境)费",
    "临夏州医疗保障局2024年部门预算",
    "海东市平安区医疗保障局 公务用车购置及运行费",
    "一般公共预算财政拨款支出",
    "绩效目标",
]
ASK_QUERIES = [
    "哪个局三公经费为零",
    "机关运行经费比上年增长多少",
    "东昌府区医疗保障局项目支出是多少",
    "平安区医疗保障局有几辆车",
    "哪个局的收支预算规模最大",
    "公务接待费超过1万元的单位",
    "什么是三公经费",
    "临夏州医疗保障局政府采购预算是多少",
]
# interleaved so every client sends both kinds from its first requests on
MIX = [item for i in range(max(len(SEARCH_QUERIES), len(ASK_QUERIES)))
       for item in ((("search", SEARCH_QUERIES[i]),) if i < len(SEARCH_QUERIES) else ()) +
       ((("ask", ASK_QUERIES[i]),) if i < len(ASK_QUERIES) else ())]
PATHS = {"search": "/api/search", "ask": "/api/ask"}

# urllib would otherwise honour http_proxy for 127.0.0.1 on some systems
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def url(port: int, path: str, **params) -> str:
    query = urllib.parse.urlencode(params)
    return f"http://{HOST}:{port}{path}" + (f"?{query}" if query else "")


def fetch(target: str, timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, bytes]:
    try:
        with OPENER.open(target, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def start_server(port: int, corpus: Path, index: Path, log_path: Path) -> subprocess.Popen:
    command = [sys.executable, "app.py", "--host", HOST, "--port", str(port), "--corpus", str(corpus),
               "--index", str(index), "--model", "none"]
    log = log_path.open("wb")
    try:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    finally:
        log.close()


def wait_for_health(server: subprocess.Popen, port: int, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with status {server.returncode} before it was ready")
        try:
            status, body = fetch(url(port, "/api/health"), timeout=2)
            if status == 200:
                return json.loads(body)
        except (OSError, ValueError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"server not healthy after {timeout_s:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


class Client(threading.Thread):
    def __init__(self, number: int, port: int, deadline: float):
        super().__init__(name=f"load-client-{number}", daemon=True)
        self.number, self.port, self.deadline = number, port, deadline
        self.samples: list[tuple[str, float, bool]] = []   # (endpoint, seconds, ok)
        self.errors: list[str] = []

    def run(self) -> None:
        i = 0
        while time.monotonic() < self.deadline and i < MAX_REQUESTS_PER_CLIENT:
            endpoint, q = MIX[(self.number * 5 + i) % len(MIX)]
            i += 1
            started = time.perf_counter()
            try:
                status, body = fetch(url(self.port, PATHS[endpoint], q=q))
                ok = status == 200
                if not ok:
                    self.errors.append(f"{endpoint} {q!r}: HTTP {status} {body[:200]!r}")
            except Exception as exc:   # timeouts, refused or reset connections all count as errors
                ok = False
                self.errors.append(f"{endpoint} {q!r}: {type(exc).__name__}: {exc}")
            self.samples.append((endpoint, time.perf_counter() - started, ok))


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(samples, elapsed: float) -> dict:
    groups = {"search": [], "ask": [], "overall": []}
    errors = {"search": 0, "ask": 0, "overall": 0}
    for endpoint, seconds, ok in samples:
        for key in (endpoint, "overall"):
            groups[key].append(seconds * 1000)
            errors[key] += 0 if ok else 1
    rows = {}
    for key, values in groups.items():
        values.sort()
        rows[key] = {"requests": len(values), "req_per_s": round(len(values) / elapsed, 1) if elapsed else 0.0,
                     "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
                     "p99_ms": round(percentile(values, 99), 1), "max_ms": round(values[-1], 1) if values else None,
                     "errors": errors[key]}
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the clients send requests (default 30)")
    parser.add_argument("--port", type=int, default=5077, help="loopback port for the server (default 5077)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus folder to index (default corpus/)")
    parser.add_argument("--startup-timeout", type=float, default=300, help="seconds to wait for /api/health")
    parser.add_argument("--json-out", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 3600 or not 1024 <= args.port <= 65535:
        parser.error("--clients must be 1..256, --seconds 0..3600, --port 1024..65535")
    if port_in_use(args.port):
        print(f"error: something is already listening on {HOST}:{args.port}; pick another --port", file=sys.stderr)
        return 2

    # a SIGTERM to this script still stops the server it started (the finally blocks below run)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    workdir = Path(tempfile.mkdtemp(prefix="budget-load-"))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    log_path = workdir / "server.log"
    server = start_server(args.port, Path(args.corpus).resolve(), workdir / "index", log_path)
    try:
        try:
            health = wait_for_health(server, args.port, args.startup_timeout)
            for endpoint, q in (("search", SEARCH_QUERIES[0]), ("ask", ASK_QUERIES[0])):   # warm-up, not counted
                status, body = fetch(url(args.port, PATHS[endpoint], q=q))
                if status != 200:
                    raise RuntimeError(f"warm-up {endpoint} request got HTTP {status}: {body[:300]!r}")
        except (RuntimeError, OSError) as exc:
            print(f"error: {exc}\n--- server log (tail) ---\n{log_path.read_text(errors='replace')[-4000:]}",
                  file=sys.stderr)
            return 2
        print(f"load: {args.clients} clients x {args.seconds:g} s against http://{HOST}:{args.port} "
              f"({health.get('mode')} mode, {health.get('documents')} documents, {health.get('passages')} passages; "
              f"{len(SEARCH_QUERIES)} search + {len(ASK_QUERIES)} ask queries)", flush=True)

        started = time.monotonic()
        clients = [Client(n, args.port, started + args.seconds) for n in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(max(0.0, started + args.seconds + REQUEST_TIMEOUT_S + 30 - time.monotonic()))
        elapsed = time.monotonic() - started
        stuck = [c.name for c in clients if c.is_alive()]
        samples = [s for c in clients for s in list(c.samples)]
        error_messages = [e for c in clients for e in list(c.errors)] + [f"{name} did not finish" for name in stuck]
        server_alive = server.poll() is None
    finally:
        stop_server(server)

    rows = summarise(samples, elapsed)
    if not server_alive:
        error_messages.append("the server process died during the run")
    total_errors = rows["overall"]["errors"] + len(stuck) + (0 if server_alive else 1)
    print(f"{'endpoint':<10}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}")
    for key, row in rows.items():
        print(f"{key:<10}{row['requests']:>10}{row['req_per_s']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}"
              f"{row['p99_ms']:>9}{row['max_ms'] if row['max_ms'] is not None else '-':>9}{row['errors']:>8}")
    print(f"elapsed {elapsed:.1f} s; errors: {total_errors}")
    for message in error_messages[:10]:
        print(f"  error: {message}", file=sys.stderr)
    if total_errors:
        print(f"--- server log (tail) ---\n{log_path.read_text(errors='replace')[-4000:]}", file=sys.stderr)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(
            {"clients": args.clients, "seconds": args.seconds, "elapsed_s": round(elapsed, 2),
             "mode": health.get("mode"), "endpoints": rows, "errors": total_errors,
             "error_messages": error_messages[:50]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if total_errors else 0

if __name__ == "__main__":
    sys.exit(main())
