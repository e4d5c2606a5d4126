"""Capture under load, and durability when the server is killed.

    python benchmarks/capture_load.py [--clients 50] [--seconds 30] [--database sqlite|postgresql|both]

For each store: starts `servicecheck serve` on loopback, runs CLIENTS concurrent clients each
posting demands to /api/demands (one at a time per client, as a council system would) for
SECONDS, and prints p50/p99 latency and captures per second (aim: p99 <= 50 ms, >= 300/s on 2
cores). Then the durability run: the same load, the server killed with SIGKILL in the middle,
restarted, and every demand whose 201 reached a client looked for in the store.

Bounded: loopback only, at most CLIENTS connections, and each phase stops after SECONDS.
PostgreSQL: the server scripts/postgres-up starts (SERVICECHECK_TEST_POSTGRES overrides).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVICE = 'name = "Load test"\n[demand]\ntypes = ["Leak", "Heating", "Progress chase"]\n'
VERBATIMS = ["Water through the ceiling again, third time I have called",
             "Boiler stopped, no heating or hot water, two small children",
             "Still waiting for the plumber who was meant to come Tuesday",
             "Front door lock broken, cannot secure the flat"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_database() -> str:
    import psycopg

    base = os.environ.get("SERVICECHECK_TEST_POSTGRES") or subprocess.run(
        [str(ROOT / "scripts" / "postgres-up")], capture_output=True, text=True, check=True
    ).stdout.strip()
    name = f"sc_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}"


class Server:
    def __init__(self, database: str, service: Path, workers: int = 1) -> None:
        self.database, self.service, self.workers = database, service, workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from servicecheck.cli import main; main()", "serve",
             "--database", self.database, "--service", str(self.service),
             "--port", str(self.port), "--workers", str(self.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr
                                       else "server stopped") from None
                time.sleep(0.1)
        raise RuntimeError("the server did not start within 60 s")

    def kill(self) -> None:
        """SIGKILL to the server and its workers at once: nothing gets to clean up."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams. httpx spent a whole core to
    drive 170 requests a second (measured), so the clients, not the server, were measured."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            b"POST /api/demands HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer " + self.token.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(port: int, token: str, clients: int, seconds: float,
               kill_after: float | None = None, server: Server | None = None,
               rate: float | None = None) -> tuple[list[float], list[int], int]:
    """Latencies (s) and acknowledged ids of every 201; and how many requests failed.

    Without ``rate`` each client posts again as soon as it has its answer (closed loop: the
    most the server can take). With ``rate`` (captures a second, all clients together) each
    client posts at random intervals averaging clients/rate seconds, and a capture's latency
    counts from when it was due, so a slow answer that delays the next is not hidden."""
    latencies: list[float] = []
    acknowledged: list[int] = []
    failed = 0
    stop_at = time.monotonic() + seconds

    async def client(i: int) -> None:
        nonlocal failed
        conn = Connection(port, token)
        rng = np.random.default_rng(i)
        due = time.perf_counter()
        n = 0
        while time.monotonic() < stop_at:
            body = json.dumps({"verbatim": f"{VERBATIMS[(i + n) % len(VERBATIMS)]} ({i}-{n})",
                               "channel": "phone",
                               "nature": "failure" if n % 3 == 0 else "value"}).encode()
            if rate is not None:
                due += rng.exponential(clients / rate)
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            started = due if rate is not None else time.perf_counter()
            try:
                status, reply = await conn.post(body)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                failed += 1
                await asyncio.sleep(0.05)
                continue
            if status == 201:
                latencies.append(time.perf_counter() - started)
                acknowledged.append(int(json.loads(reply)["id"]))
            else:
                failed += 1
            n += 1
        conn.close()

    async def killer() -> None:
        if kill_after is not None and server is not None:
            await asyncio.sleep(kill_after)
            server.kill()

    await asyncio.gather(killer(), *(client(i) for i in range(clients)))
    return latencies, acknowledged, failed


def stored_ids(database: str) -> set[int]:
    import sqlalchemy as sa

    from servicecheck.store import open_store

    store = open_store(database)
    with store.engine.connect() as c:
        ids = {int(r[0]) for r in c.execute(sa.text("SELECT id FROM demands"))}
    store.close()
    return ids


def measure(kind: str, clients: int, seconds: float, folder: Path, offered: float,
            workers: int) -> None:
    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_token

    service = folder / "service.toml"
    service.write_text(SERVICE, encoding="utf-8")
    for phase in ("load", "durability"):
        database = (str(folder / f"{phase}.db") if kind == "sqlite" else postgres_database())
        store = open_store(database)
        token = add_token(store, "load-test")
        store.close()
        server = Server(database, service, workers if kind == "postgresql" else 1)
        server.start()
        try:
            if phase == "load":
                # a short warm-up so the first requests' imports are not counted
                asyncio.run(load(server.port, token, 4, 2.0))
                for label, rate in (("as fast as answered", None),
                                    (f"offered {offered:.0f}/s", offered)):
                    lat, ids, failed = asyncio.run(load(server.port, token, clients, seconds,
                                                        rate=rate))
                    ms = np.array(lat) * 1000
                    print(f"{kind:<10} {label:<20} {len(ids) / seconds:6.0f} captures/s  "
                          f"p50 {np.percentile(ms, 50):6.1f} ms  "
                          f"p99 {np.percentile(ms, 99):6.1f} ms  ({len(ids):,} in "
                          f"{seconds:.0f} s, {clients} clients, {failed} failed)", flush=True)
            else:
                lat, ids, failed = asyncio.run(load(server.port, token, clients,
                                                    min(seconds, 10.0), kill_after=4.0,
                                                    server=server))
                server.start()  # restart on the same store
                kept = stored_ids(database)
                lost = set(ids) - kept
                print(f"{kind:<10} durability: killed with SIGKILL mid-load; "
                      f"{len(ids):,} acknowledged, {len(lost)} of them missing after restart "
                      f"({len(kept):,} stored; {failed} requests failed while it was down)",
                      flush=True)
                if lost:
                    raise SystemExit(f"LOST acknowledged demands: {sorted(lost)[:10]}")
        finally:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--workers", type=int, default=2,
                    help="server worker processes on PostgreSQL (SQLite: always 1)")
    ap.add_argument("--rate", type=float, default=300.0,
                    help="captures a second offered by all clients together, for the paced run")
    a = ap.parse_args()
    if a.clients > 200 or a.seconds > 300:
        raise SystemExit("bounded: at most 200 clients and 300 seconds")
    print(f"capture load: {a.clients} clients, {a.seconds:.0f} s, {os.cpu_count()} cores, "
          f"server and clients on this machine (loopback)")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in (["sqlite", "postgresql"] if a.database == "both" else [a.database]):
            measure(kind, a.clients, a.seconds, Path(tmp), a.rate, a.workers)


if __name__ == "__main__":
    main()
