#!/usr/bin/env python3
"""SecantusDB (`secantusd-py`, same arguments) with the one piece of mongod behaviour the tests need and it lacks: a
background thread that aborts transactions idle past their lifetime (mongod's `transactionLifetimeLimitSeconds`,
60 s by default; its periodic reaper does this).

SecantusDB reaps expired transactions only when some client runs a transaction statement. A client killed with
SIGKILL inside a transaction therefore leaves its uncommitted writes in place; a plain (non-transactional) write
that meets one of them retries on the write conflict forever when no other client happens to start a transaction.
ProcessKillTests hit this: the run after a `kill -9` hung in its risk phase for minutes, its update of a document the
killed run had written in a transaction retrying ("_update_matching_single_txn retrying on write conflicts for
345.7s") until the driver's socket timeout. With the reaper (every 5 s), such a write waits at most the lifetime and
5 s, as on mongod.

Used by scripts/lib.sh (`start_mongo`): tests, benchmarks and the quickstart.
"""
import sys
import threading
import time

from secantus import cli
from secantus.server import SecantusDBServer
from secantus.transactions import TxnState

REAP_EVERY_SECONDS = 5.0

_start = SecantusDBServer.start


def reap_expired(registry):
    """Aborts the transactions idle past the registry's lifetime, as its own prune does, without making other clients
    wait: SecantusDB's `prune_expired()` holds the registry lock while it waits for each transaction's mutex, which a
    transaction holds while one of its statements runs, so every transaction statement of every client would queue
    behind the slowest running statement each time it is called. Here the registry lock is held only to copy the
    list, and a transaction whose mutex is taken is busy, hence not idle, and skipped."""
    with registry._lock:
        transactions = list(registry._txns.values())
    cutoff = registry._time() - registry._lifetime
    for txn in transactions:
        if not txn.mutex.acquire(blocking=False):
            continue
        try:
            if txn.state is TxnState.IN_PROGRESS and txn.last_use < cutoff:
                registry._rollback_quietly(txn)
                txn.state = TxnState.ABORTED
        finally:
            txn.mutex.release()


def _start_with_reaper(self, *args, **kwargs):
    result = _start(self, *args, **kwargs)

    def reap():
        while True:
            time.sleep(REAP_EVERY_SECONDS)
            try:
                reap_expired(self.transactions)
            except Exception as exc:  # never let the reaper die; say why it could not reap
                print(f"transaction reaper: {exc!r}", file=sys.stderr, flush=True)

    threading.Thread(target=reap, name="transaction-reaper", daemon=True).start()
    return result


SecantusDBServer.start = _start_with_reaper

if __name__ == "__main__":
    sys.exit(cli.main())
