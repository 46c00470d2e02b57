"""Prometheus metrics in the text exposition format, kept by hand (no client library needed):
commands accepted and rejected by code, the journal's sequence number, sequencer batches, and a
request latency histogram per route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from openets.domain.rejection import Rejection

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Histogram:
    __slots__ = ("counts", "sum", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.sum = 0.0
        self.total = 0

    def observe(self, seconds: float) -> None:
        i = 0
        n = len(BUCKETS)
        while i < n and seconds > BUCKETS[i]:
            i += 1
        self.counts[i] += 1
        self.sum += seconds
        self.total += 1


def _esc(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    def __init__(self) -> None:
        self.accepted = 0
        self.rejected: dict[str, int] = {}
        self.batches = 0
        self.batch_jobs = 0
        self.requests: dict[tuple[str, str, int], int] = {}
        self.latency: dict[tuple[str, str], Histogram] = {}

    def command(self, result: object) -> None:
        if isinstance(result, Rejection):
            code = str(result.code)
            self.rejected[code] = self.rejected.get(code, 0) + 1
        else:
            self.accepted += 1

    def batch(self, jobs: int) -> None:
        self.batches += 1
        self.batch_jobs += jobs

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        k = (method, route, status)
        self.requests[k] = self.requests.get(k, 0) + 1
        h = self.latency.get((method, route))
        if h is None:
            h = self.latency[(method, route)] = Histogram()
        h.observe(seconds)

    def render(self, journal_seq: int, halted: bool) -> str:
        out = [
            "# HELP openets_commands_accepted_total Commands the engine accepted.",
            "# TYPE openets_commands_accepted_total counter",
            f"openets_commands_accepted_total {self.accepted}",
            "# HELP openets_commands_rejected_total Commands the engine rejected, by code.",
            "# TYPE openets_commands_rejected_total counter",
        ]
        out += [
            f'openets_commands_rejected_total{{code="{_esc(c)}"}} {n}'
            for c, n in sorted(self.rejected.items())
        ]
        out += [
            "# HELP openets_journal_seq Sequence number of the last journal record.",
            "# TYPE openets_journal_seq gauge",
            f"openets_journal_seq {journal_seq}",
            "# HELP openets_engine_halted 1 if the engine stopped after a journal failure.",
            "# TYPE openets_engine_halted gauge",
            f"openets_engine_halted {int(halted)}",
            "# HELP openets_sequencer_batches_total Group commits made by the sequencer.",
            "# TYPE openets_sequencer_batches_total counter",
            f"openets_sequencer_batches_total {self.batches}",
            "# HELP openets_sequencer_jobs_total Jobs run by the sequencer.",
            "# TYPE openets_sequencer_jobs_total counter",
            f"openets_sequencer_jobs_total {self.batch_jobs}",
            "# HELP openets_http_requests_total HTTP requests by route and status.",
            "# TYPE openets_http_requests_total counter",
        ]
        for (m, r, s), n in sorted(self.requests.items()):
            out.append(
                f'openets_http_requests_total{{method="{m}",route="{_esc(r)}",status="{s}"}} {n}'
            )
        out += [
            "# HELP openets_http_request_duration_seconds Time to answer a request.",
            "# TYPE openets_http_request_duration_seconds histogram",
        ]
        for (m, r), h in sorted(self.latency.items()):
            labels = f'method="{m}",route="{_esc(r)}"'
            cum = 0
            for le, c in zip((*BUCKETS, None), h.counts, strict=True):
                cum += c
                le_s = "+Inf" if le is None else repr(le)
                out.append(
                    f'openets_http_request_duration_seconds_bucket{{{labels},le="{le_s}"}} {cum}'
                )
            out.append(f"openets_http_request_duration_seconds_sum{{{labels}}} {h.sum:.6f}")
            out.append(f"openets_http_request_duration_seconds_count{{{labels}}} {h.total}")
        return "\n".join(out) + "\n"


class MetricsMiddleware:
    """Times every HTTP request and labels it with its route template (not the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, prefixes: dict[int, str]) -> None:
        self.app = app
        self.metrics = metrics
        self.prefixes = prefixes
        """The mount prefix of each included route, by ``id(route)``."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None)
            path = self.prefixes.get(id(route), "") + path if path else "unmatched"
            self.metrics.request(scope["method"], path, status, time.perf_counter() - start)
