"""Test-only fault hook: hold a load at a named point so a test can kill it there.

``NEWSWH_FAULT_PAUSE_AT=publish`` (comma-separated names) makes the run print
``[fault] paused at publish`` and sleep at that point until the file named by
``NEWSWH_FAULT_HOLD_FILE`` disappears (when set) or ``NEWSWH_FAULT_PAUSE_SECONDS``
(default 600) pass; each point pauses once per process. Unset, as in
production, every ``pause_point`` is a no-op.
The points are listed in docs/reliability.md.
"""

from __future__ import annotations

import os
import time

_paused: set[str] = set()


def pause_point(name: str) -> None:
    wanted = os.environ.get("NEWSWH_FAULT_PAUSE_AT")
    if not wanted or name not in wanted.split(",") or name in _paused:
        return
    _paused.add(name)
    print(f"[fault] paused at {name}", flush=True)
    hold = os.environ.get("NEWSWH_FAULT_HOLD_FILE")
    deadline = time.monotonic() + float(os.environ.get("NEWSWH_FAULT_PAUSE_SECONDS", "600"))
    while time.monotonic() < deadline and (hold is None or os.path.exists(hold)):
        time.sleep(0.1)
