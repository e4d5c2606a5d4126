"""Capture under load, durability when the server is killed, and sign-in under attack.

    python benchmarks/capture_load.py [--clients 50] [--seconds 30] [--database sqlite|postgresql|both]
                                      [--phases load,durability,signin]

For each store: starts `servicecheck serve` on loopback, runs CLIENTS concurrent clients each
posting demands to /api/demands (one at a time per client, as a council system would) for
SECONDS, and prints p50/p99 latency and captures per second (aim: p99 <= 50 ms, >= 300/s on 2
cores). Then the durability run: the same load, the server killed with SIGKILL in the middle,
restarted, and every demand whose 201 reached a client looked for in the store.

Sign-in under attack: 40 wrong passwords at one name at once, from 40 addresses (how many
password checks, against the throttle's schedule); then strangers guess at the name as fast
as they are answered for --attack-seconds, while the real user signs in every few seconds from
the browser they used before (device cookie) and, at the end, from a new browser.

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
    def __init__(self, database: str, service: Path, workers: int = 1,
                 extra: tuple[str, ...] = ()) -> None:
        self.database, self.service, self.workers = database, service, workers
        self.extra = extra
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from servicecheck.cli import main; main()", "serve",
             "--database", self.database, "--service", str(self.service),
             "--port", str(self.port), "--workers", str(self.workers), *self.extra],
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
            workers: int, phases: list[str]) -> None:
    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_token

    service = folder / "service.toml"
    service.write_text(SERVICE, encoding="utf-8")
    for phase in phases:
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
                # the whole --seconds of load, the server killed half-way through
                lat, ids, failed = asyncio.run(load(server.port, token, clients, seconds,
                                                    kill_after=seconds / 2, server=server))
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


PASSWORD = "the real user's long password"


async def sign_in(port: int, name: str, password: str, address: str,
                  device: str | None = None) -> tuple[int, dict[str, str]]:
    """One POST /login through the trusted proxy's header (the address it names is the
    client's); the sign-in form's CSRF pair is the double-submit cookie and field."""
    from urllib.parse import urlencode

    body = urlencode({"name": name, "password": password, "csrf": "x", "next": "/"}).encode()
    cookie = "sc_login_csrf=x" + (f"; sc_device={device}" if device else "")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                 f"X-Forwarded-For: {address}\r\nCookie: {cookie}\r\n"
                 f"Content-Type: application/x-www-form-urlencoded\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode()
    writer.close()
    headers: dict[str, str] = {}
    for line in head.split("\r\n")[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            if key.lower() == "set-cookie" and value.strip().startswith("sc_device="):
                headers["device"] = value.strip().split(";")[0].split("=", 1)[1]
            headers[key.lower()] = value.strip()
    return int(head.split(" ", 2)[1]), headers


def checks_of(database: str, name: str) -> int:
    """Wrong passwords checked for ``name`` (the real user's right ones are not counted)."""
    import sqlalchemy as sa

    from servicecheck.store import open_store
    from servicecheck.store.schema import login_attempts

    store = open_store(database)
    with store.engine.connect() as c:
        n = c.execute(sa.select(sa.func.count()).select_from(login_attempts)
                      .where(login_attempts.c.name == name, ~login_attempts.c.ok)
                      ).scalar_one()
    store.close()
    return int(n)


async def attack(port: int, database: str, seconds: float) -> str:
    from servicecheck.store.throttle import NAME, allowed_within

    # the real user's usual browser: signed in once before the attack
    status, headers = await sign_in(port, "ann", PASSWORD, "198.51.100.1")
    device = headers.get("device")
    assert status == 303 and device, (status, headers)
    # 40 wrong passwords at once, from 40 addresses
    start = time.monotonic()
    burst = await asyncio.gather(*(sign_in(port, "ann", f"guess {i}", f"203.0.113.{i}")
                                   for i in range(40)))
    elapsed = time.monotonic() - start
    checked = checks_of(database, "ann")
    bound = allowed_within(elapsed, NAME.free)
    lines = [f"40 concurrent wrong passwords: {checked} checked in {elapsed:.2f} s "
             f"(the schedule allows {bound}), {sum(s == 429 for s, _ in burst)} slowed (429)"]
    if checked > bound:
        raise SystemExit("LIMIT BROKEN: " + lines[0])
    # strangers guess as fast as they are answered, from 8 addresses, while the real user
    # signs in from the usual browser every 5 s
    stop_at = time.monotonic() + seconds
    guesses = refused = 0
    waits: list[float] = []

    async def stranger(i: int) -> None:
        nonlocal guesses
        while time.monotonic() < stop_at:
            status, headers = await sign_in(port, "ann", f"guess {guesses}", f"203.0.114.{i}")
            guesses += 1
            if status == 429:
                waits.append(float(headers["retry-after"]))

    async def user() -> None:
        nonlocal refused
        while time.monotonic() < stop_at:
            await asyncio.sleep(5)
            status, _ = await sign_in(port, "ann", PASSWORD, "198.51.100.1", device)
            refused += status != 303

    before = checks_of(database, "ann")
    await asyncio.gather(user(), *(stranger(i) for i in range(8)))
    checked = checks_of(database, "ann") - before
    lines.append(f"{seconds:.0f} s of guessing: {guesses:,} attempts, {checked} wrong "
                 f"passwords checked (the schedule allows {allowed_within(seconds, NAME.free)}"
                 f" from a fresh start), longest wait asked {max(waits, default=0):.0f} s; "
                 f"the real user's usual browser signed in every 5 s, refused {refused} "
                 "times")
    # a new browser, after the strangers stop: in within the last wait asked
    start = time.monotonic()
    while True:
        status, headers = await sign_in(port, "ann", PASSWORD, "198.51.100.2")
        if status != 429:
            break
        await asyncio.sleep(float(headers["retry-after"]))
    lines.append(f"a new browser after the guessing: status {status} after "
                 f"{time.monotonic() - start:.1f} s")
    return "; ".join(lines)


def signin(kind: str, folder: Path, seconds: float) -> None:
    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_user

    service = folder / "service.toml"
    service.write_text(SERVICE, encoding="utf-8")
    database = str(folder / "signin.db") if kind == "sqlite" else postgres_database()
    store = open_store(database)
    add_user(store, "ann", PASSWORD, "recorder")
    store.close()
    server = Server(database, service, 1, ("--trusted-proxy", "127.0.0.1"))
    server.start()
    try:
        print(f"{kind:<10} sign-in: " + asyncio.run(attack(server.port, database, seconds)),
              flush=True)
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
    ap.add_argument("--phases", default="load,durability,signin",
                    help="which of load, durability and signin to run")
    ap.add_argument("--attack-seconds", type=float, default=75.0,
                    help="how long strangers guess at one name (the waits reach their cap of "
                    "a minute after 63 s)")
    a = ap.parse_args()
    if a.clients > 200 or a.seconds > 300:
        raise SystemExit("bounded: at most 200 clients and 300 seconds")
    print(f"capture load: {a.clients} clients, {a.seconds:.0f} s, {os.cpu_count()} cores, "
          f"server and clients on this machine (loopback)")
    phases = a.phases.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in (["sqlite", "postgresql"] if a.database == "both" else [a.database]):
            if {"load", "durability"} & set(phases):
                measure(kind, a.clients, a.seconds, Path(tmp), a.rate, a.workers,
                        [p for p in ("load", "durability") if p in phases])
            if "signin" in phases:
                signin(kind, Path(tmp), min(a.attack_seconds, 300.0))


if __name__ == "__main__":
    main()
