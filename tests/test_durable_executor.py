"""Two live servers on one workspace folder never share a durable executor id (the second would
resume the first's runs while they still run); a restarted server gets the id back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from llmos.execution.durable import _executor


def _holder(folder: Path) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from llmos.execution.durable import _executor
        print(_executor.claim(Path({str(folder)!r}), "host:/ws")[0], flush=True)
        sys.stdin.read()
        """
    )
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_second_live_process_gets_its_own_executor_id_and_a_restart_gets_the_id_back(tmp_path: Path) -> None:
    first = _holder(tmp_path)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "host:/ws"
        second, lock = _executor.claim(tmp_path, "host:/ws")
        assert second.startswith("host:/ws:") and lock is None  # not the live one's id
    finally:
        assert first.stdin is not None
        first.stdin.close()
        first.wait(30)
        assert first.stdout is not None
        first.stdout.close()
    again, lock = _executor.claim(tmp_path, "host:/ws")  # the holder ended: its id is free again
    try:
        assert again == "host:/ws" and lock is not None
        same, lock2 = _executor.claim(tmp_path, "host:/ws")  # another runtime of this process shares it
        assert same == "host:/ws"
        _executor.release(lock2)
    finally:
        _executor.release(lock)
