#!/usr/bin/env python3
"""SecantusDB (`secantusd-py`, same arguments) with the one piece of mongod behaviour the tests need and it lacks: a
background thread that aborts transactions idle past their lifetime (mongod's `transactionLifetimeLimitSeconds`,
60 s by default; its periodic reaper does this).

SecantusDB reaps expired transactions only when some client runs a transaction statement. A client killed with
SIGKILL inside a transaction therefore leaves its uncommitted writes in place; a plain (non-transactional) write
that meets one of them retries on the write conflict forever when no other client happens to start a transaction.
ProcessKillTests hit this: the run after a `kill -9` hung in its risk phase for minutes, its update of a document the
killed run had written in a transaction retrying ("_update_matching_single_txn retrying on write conflicts for
345.7s") until the driver's socket timeout. With the reaper, such a write waits at most the lifetime, as on mongod.

Used by scripts/lib.sh (`start_mongo`): tests, benchmarks and the quickstart.
"""
import sys
import threading
import time

from secantus import cli
from secantus.server import SecantusDBServer

REAP_EVERY_SECONDS = 1.0

_start = SecantusDBServer.start


def _start_with_reaper(self, *args, **kwargs):
    result = _start(self, *args, **kwargs)

    def reap():
        while True:
            time.sleep(REAP_EVERY_SECONDS)
            try:
                self.transactions.prune_expired()
            except Exception as exc:  # never let the reaper die; say why it could not reap
                print(f"transaction reaper: {exc!r}", file=sys.stderr, flush=True)

    threading.Thread(target=reap, name="transaction-reaper", daemon=True).start()
    return result


SecantusDBServer.start = _start_with_reaper

if __name__ == "__main__":
    sys.exit(cli.main())
