"""Helper process for the durability and concurrency tests (not a test module).

    python writer_proc.py LOCATION COUNT TAG [PAUSE_AT]

After printing ``ready`` it waits for a line on stdin, then appends COUNT events (forever when
COUNT is 0) and prints each returned sequence number at once. With PAUSE_AT, after that many
events it prints ``paused`` and waits for another line (so that two writers surely overlap,
however a loaded machine schedules them).
"""

from __future__ import annotations

import sys

from classification_plugin.core.audit import AuditEvent, open_log


def main() -> None:
    location, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    pause_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
    log = open_log(location, busy_timeout_ms=30000)
    print("ready", flush=True)
    sys.stdin.readline()  # start together with the other writers
    i = 0
    while count == 0 or i < count:
        i += 1
        seq = log.append(AuditEvent(time_ms=i, action="layer_shown", user=tag, details={"i": i}))
        sys.stdout.write(f"{seq}\n")
        sys.stdout.flush()
        if i == pause_at:
            print("paused", flush=True)
            sys.stdin.readline()
    log.close()


if __name__ == "__main__":
    main()
