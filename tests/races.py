"""Simultaneous requests, for the concurrency tests: real threads, each with its own database
connection, released the same instant by a barrier, each calling what a view would.

On PostgreSQL the services' row locks make them queue. SQLite's in-memory test database
(shared cache) lets one writer at a time and answers a second one at once with "database
table is locked" instead of waiting like the on-disk database does: the request would simply
be tried again, so the thread tries again, unless its work was committed and only what the
commit started met the lock (a task run at once, a mail). The same invariants are checked
on both.

The tests using this are transactional (threads see only committed data).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import OperationalError, connection, connections, transaction

from soscience.core.errors import DomainError
from tests.tally import tally

# Threads waiting on each other's locks finish within a second; this only stops a deadlock
# from hanging the suite.
JOIN_TIMEOUT = 60
# SQLite only (see _is_lock_wait_error): how often a thread tries again before giving up.
MAX_ATTEMPTS = 100_000


@dataclass
class Outcome:
    ok: bool
    value: Any = None  # what the action returned, or the refusal's message


def _is_lock_wait_error(exc: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _attempt(action: Callable[[], Any]) -> Outcome:
    attempts = 0
    while True:
        committed: list[bool] = []
        try:
            with transaction.atomic():
                # Runs first once the action's work is committed: a lock error raised after
                # it, by what the commit started (a task, a mail), must not run it twice.
                transaction.on_commit(partial(committed.append, True))
                value = action()
            return Outcome(ok=True, value=value)
        except DomainError as refusal:
            return Outcome(ok=False, value=refusal.message)
        except OperationalError as exc:
            if committed:
                return Outcome(ok=True, value=value)
            if not _is_lock_wait_error(exc) or attempts >= MAX_ATTEMPTS:
                raise
            attempts += 1


def at_once(*actions: Callable[[], Any]) -> list[Outcome]:
    """Run each action in its own thread and connection, all released together; a refusal
    (DomainError) is an outcome, any other error is raised here."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[Outcome | BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[index] = _attempt(action)
        except BaseException as exc:  # reported by the main thread
            outcomes[index] = exc
        finally:
            connections.close_all()  # this thread's connection

    threads = [
        threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    tally("concurrent attempts", len(actions))
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes  # type: ignore[return-value]
