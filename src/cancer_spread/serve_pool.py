"""The pool of query workers of ``cancer-spread serve`` (see :mod:`cancer_spread.serve_worker`).

Everything here runs on the server's event loop and never blocks it: each worker is a process
reached through a socket read with asyncio streams. A query past its time limit is stopped by
ending its worker (SIGKILL), which is replaced at once; a query still running after a second
is lowered in CPU priority (``nice``), so that two clients sending runaway queries slow the
others down as little as possible; a worker that dies costs only the request it was running,
which is told what happened; a worker that dies while idle is replaced before anyone notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from collections import deque
from dataclasses import astuple
from pathlib import Path
from typing import Any

from .serve_worker import Limits, Reply, error

__all__ = ["PoolBusy", "WorkerPool"]

_HEADER = struct.Struct("!I")
#: A query still running after this many seconds runs at a lower CPU priority (nice NICE_LEVEL):
#: runaway queries then take about a tenth of what the other queries get, yet still progress on
#: a machine busy with other work.
NICE_AFTER = 1.0
NICE_LEVEL = 10


class PoolBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class WorkerDied(Exception):
    """The worker process ended while it ran (or was about to run) a task."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(returncode)
        self.returncode = returncode


def _death(returncode: int | None, limits: Limits) -> Reply:
    """The honest answer for a request whose worker died under it."""
    if returncode is not None and returncode < 0:
        try:
            how = f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"signal {-returncode}"
    else:
        how = f"exit status {returncode}"
    if returncode == -signal.SIGABRT:
        return error(
            503,
            f"query stopped: it needed more memory than this endpoint allows a query ({limits.memory_mb} MB); "
            "its worker process ended and was replaced",
            "narrow the query (fewer or shorter values, add LIMIT)",
        )
    return error(
        503,
        f"the query worker process ended ({how}) while running this query; it was replaced",
        "try again; if it happens again, the query may be too heavy for this endpoint",
    )


class _Worker:
    """One worker process and its end of the socket."""

    def __init__(self, proc: subprocess.Popen, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.proc = proc
        self.reader = reader
        self.writer = writer
        self.pending: asyncio.Future[Reply] | None = None
        self.niced = False
        self.dead = False
        self.listener: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def read_frame(self) -> Any:
        import pickle

        head = await self.reader.readexactly(_HEADER.size)
        body = await self.reader.readexactly(_HEADER.unpack(head)[0])
        return pickle.loads(body)

    def send(self, task: dict[str, Any]) -> None:
        import pickle

        data = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(_HEADER.pack(len(data)) + data)

    def lower_priority(self) -> None:
        """Let the other queries go first (a lower CPU priority, for the rest of its life)."""
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, NICE_LEVEL)
            self.niced = True

    def kill(self) -> None:
        self.dead = True
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.writer.close()


class WorkerPool:
    """``size`` worker processes, each with the graph; one query at a time per worker."""

    def __init__(self, ntriples: bytes, size: int, limits: Limits) -> None:
        self.size = size
        self.limits = limits
        self._data = ntriples
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._closed = False
        self._spawning: set[asyncio.Task[None]] = set()
        self.restarts = 0
        self.isolated: bool | None = None

    @property
    def idle(self) -> int:
        """Workers free right now."""
        return len(self._idle)

    # ------------------------------------------------------------------ starting and ending
    async def start(self) -> None:
        """Start every worker and wait until each holds the graph."""
        self._dir = tempfile.TemporaryDirectory(prefix="cancer-spread-serve-")
        path = Path(self._dir.name) / "graph.nt"
        path.write_bytes(self._data)
        self._data = b""
        results = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            self.close()
            raise RuntimeError(f"a query worker failed to start: {failures[0]}")

    async def _spawn(self) -> None:
        assert self._dir is not None
        parent, child = socket.socketpair()
        env = {**os.environ, "RUST_BACKTRACE": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cancer_spread.serve_worker",
                    str(child.fileno()),
                    str(Path(self._dir.name) / "graph.nt"),
                    json.dumps(astuple(self.limits)),
                ],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        reader, writer = await asyncio.open_connection(sock=parent)
        worker = _Worker(proc, reader, writer)
        try:
            status, detail = await asyncio.wait_for(worker.read_frame(), 120)
        except (TimeoutError, asyncio.IncompleteReadError, OSError) as err:
            worker.kill()
            raise RuntimeError(f"a query worker did not start ({type(err).__name__})") from None
        if status != "ready":
            worker.kill()
            raise RuntimeError(str(detail))
        self.isolated = bool(detail.get("isolated"))
        if self._closed:
            worker.kill()
            return
        self._all.add(worker)
        worker.listener = asyncio.create_task(self._listen(worker))
        self._release(worker)

    def _respawn(self) -> None:
        if self._closed:
            return
        self.restarts += 1

        async def spawn() -> None:
            try:
                await self._spawn()
            except Exception as err:  # pragma: no cover - the machine is out of resources
                print(f"cancer-spread serve: {err}", file=sys.stderr)

        task = asyncio.create_task(spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _listen(self, worker: _Worker) -> None:
        """Read the worker's replies; notice when it ends, busy or idle."""
        try:
            while True:
                status, body, media, headers = await worker.read_frame()
                if worker.pending is not None and not worker.pending.done():
                    worker.pending.set_result(Reply(status, body, media, headers))
        except (asyncio.IncompleteReadError, OSError, EOFError, asyncio.CancelledError):
            pass
        except Exception as err:  # pragma: no cover - a frame that cannot be read: end this worker
            print(f"cancer-spread serve: a query worker sent an unreadable reply: {err}", file=sys.stderr)
        finally:
            self._bury(worker)

    def _bury(self, worker: _Worker) -> None:
        """Take a dead (or killed) worker out of the pool and start another in its place."""
        if worker not in self._all:
            return
        self._all.discard(worker)
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        worker.kill()
        self._respawn()
        task = asyncio.create_task(_report_death(worker))  # and reap the process
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    def close(self) -> None:
        """End every worker and remove the graph file."""
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for w in list(self._all):
            if w.listener is not None:
                w.listener.cancel()
            w.kill()
            with contextlib.suppress(Exception):
                w.proc.wait(5)
        self._all.clear()
        self._idle.clear()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    # ------------------------------------------------------------------ running
    def _release(self, worker: _Worker) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, timeout: float) -> _Worker:
        while self._idle:
            worker = self._idle.popleft()
            if not worker.dead and worker.proc.poll() is None:
                return worker
            self._bury(worker)
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise PoolBusy from None

    async def run(self, task: dict[str, Any]) -> Reply:
        """Run ``task`` on a free worker within the time limit."""
        limits = self.limits
        loop = asyncio.get_running_loop()
        for _attempt in range(3):
            worker = await self._acquire(limits.timeout)
            if worker.dead or worker.proc.poll() is not None:
                self._bury(worker)
                continue  # it died while idle: the task never ran, try another
            worker.pending = future = loop.create_future()
            try:
                worker.send(task)
            except OSError:
                self._bury(worker)
                continue
            nice = loop.call_later(NICE_AFTER, worker.lower_priority)
            try:
                reply = await asyncio.wait_for(asyncio.shield(future), limits.timeout)
            except TimeoutError:
                worker.pending = None  # nobody waits for its answer any more
                self._bury(worker)
                return error(
                    503,
                    f"query stopped: it ran longer than the time limit of {limits.timeout:g} s; "
                    "its worker process was ended and replaced",
                    "narrow the query (add LIMIT, bind more variables) or ask the operator to raise --timeout",
                )
            except WorkerDied as died:
                return _death(died.returncode, limits)
            finally:
                nice.cancel()
            worker.pending = None
            if worker.niced:
                self._bury(worker)  # a fresh worker at full priority takes its place
            else:
                self._release(worker)
            return reply
        return error(503, "the query workers keep ending before they can run a query", "tell the operator")


async def _report_death(worker: _Worker) -> None:
    """Fail the worker's pending request with its exit code (waiting a moment for the process to
    end, without blocking the event loop)."""
    code = worker.proc.poll()
    for _ in range(200):
        if code is not None:
            break
        await asyncio.sleep(0.01)
        code = worker.proc.poll()
    if worker.pending is not None and not worker.pending.done():
        worker.pending.set_exception(WorkerDied(code))
