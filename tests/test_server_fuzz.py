"""A bounded fuzz run of the HTTP API: schemathesis generates requests for every operation of
/openapi.json against a real `llmos serve` on loopback. No answer may be a 5xx, none may hang, and
/healthz must answer within 1 s throughout (a monitor thread polls it while the fuzzing runs)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_support import cli_server

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

EXAMPLES_PER_OPERATION = 12
HEALTH_DEADLINE_S = 1.0


class HealthMonitor(threading.Thread):
    """Polls /healthz every 0.2 s; records every answer slower than the deadline or not 200."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.polls = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=HEALTH_DEADLINE_S * 5) as c:
            while not self.stop.wait(0.2):
                started = time.monotonic()
                try:
                    status = c.get("/healthz").status_code
                except httpx.HTTPError as e:
                    self.failures.append(f"/healthz failed: {type(e).__name__}")
                    continue
                took = time.monotonic() - started
                self.polls += 1
                if status != 200 or took > HEALTH_DEADLINE_S:
                    self.failures.append(f"/healthz answered {status} in {took:.2f} s")


def test_fuzz_the_api_no_5xx_no_hang(tmp_path: Path) -> None:
    # `llmos serve` in its own process: the fuzzer's CPU work must not slow the server it measures
    with cli_server(tmp_path / "ws") as live:
        assert live.url, live.log
        schema = schemathesis.openapi.from_url(live.url + "/openapi.json")
        monitor = HealthMonitor(live.url)
        monitor.start()
        errors: list[str] = []
        seen: list[str] = []
        try:
            for result in schema.get_all_operations():
                operation = result.ok()
                seen.append(f"{operation.method.upper()} {operation.path}")

                @settings(
                    max_examples=EXAMPLES_PER_OPERATION,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy())
                def probe(case: Any) -> None:
                    started = time.monotonic()
                    response = case.call(base_url=live.url, timeout=30)
                    took = time.monotonic() - started
                    if response.status_code >= 500:
                        errors.append(
                            f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                        )
                    if took > 20:
                        errors.append(f"{case.method} {case.formatted_path}: took {took:.1f} s")

                probe()
        finally:
            monitor.stop.set()
            monitor.join(10)
    assert "POST /v1/execute" in seen and "POST /v1/approvals/{approval_id}" in seen, seen
    assert not errors, errors[:10]
    assert monitor.polls > 0 and not monitor.failures, monitor.failures[:10]
