"""Reference for CronScheduleReferenceTests: reads JSON cases {"expr", "tz", "start"} (start in epoch seconds) on
stdin, one per line, and prints for each the next firing after start by PyPI croniter, in epoch seconds (null when
croniter refuses the expression or finds none).

DST: croniter fires a local time that is repeated in autumn twice (at both offsets); Lodestar's documented policy
fires it once, at its first occurrence. So every result that is the *second* occurrence of a repeated local time
(zoneinfo fold=1 whose fold=0 twin has another offset) is skipped and croniter is asked for its next one; the output
says how many were skipped ("skipped"). Skipped local times (spring) need nothing: croniter already fires them once,
at the first valid minute after the gap, as the policy says.
"""
import json
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from croniter import croniter


def second_occurrence(u, zone):
    local = u.astimezone(zone)
    if local.fold != 1:
        return False
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def main():
    zones = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        zone = zones.setdefault(case["tz"], ZoneInfo(case["tz"]))
        start = datetime.fromtimestamp(case["start"], tz=timezone.utc).astimezone(zone)
        out = {"next": None, "skipped": 0}
        try:
            it = croniter(case["expr"], start)
            for _ in range(100):
                n = it.get_next(datetime)
                u = n.astimezone(timezone.utc)
                if second_occurrence(u, zone):
                    out["skipped"] += 1
                    continue
                out["next"] = int(u.timestamp())
                break
        except Exception as e:  # refused or none found: reported as null
            out["error"] = f"{type(e).__name__}: {e}"
        print(json.dumps(out))


if __name__ == "__main__":
    main()
