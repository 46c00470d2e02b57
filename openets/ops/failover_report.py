"""The failover drill's report and checks (:mod:`openets.ops.failover`): what the clients saw
acknowledged against what the new primary's journal holds, the chain, ``verify``, a replay."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from openets.engine.journal import verify_chain
from openets.ops.drill import Acks
from openets.ops.verify import replay_market, verify_market
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal

KINDS = ("deposits", "listings", "trades", "cancels")


class DrillFailed(AssertionError):
    """A check of the drill failed: ``report`` says which, with the figures."""

    def __init__(self, report: FailoverReport) -> None:
        super().__init__("; ".join(report.problems))
        self.report = report


@dataclass
class FailoverReport:
    """What the drill saw: the acknowledged commands, the times, the checks' problems."""

    acked_before: dict[str, int] = field(default_factory=dict)
    acked_after: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    promote_s: float = 0.0
    """``pg_ctl promote`` until the standby is out of recovery and takes writes."""
    resync_s: float = 0.0
    """From the promotion until standby2 streams from the new primary as its synchronous one."""
    spare: bool = False
    """A warm spare sequencer took over (else a server was started after the promotion)."""
    restart_s: float = 0.0
    """From the promotion until ``openets serve`` answers on the new primary."""
    server_back_s: float = 0.0
    """From the kill until the server answers on the new primary."""
    resume_s: float | None = None
    """From the kill until the first command acknowledged on the new primary."""
    replay_events: int = 0
    state_hash: str = ""
    served_seq: int = 0
    replica_seq: int | None = None
    deployment: list[str] = field(default_factory=list)
    """What ``openets replication`` found on the primary, before and after the failover."""
    outage_reads: tuple[int, int] = (0, 0)
    """Market-data reads the read replica answered, and did not, while the sequencer was down."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        before, after = sum(self.acked_before.values()), sum(self.acked_after.values())
        kinds = ", ".join(
            f"{self.acked_before.get(k, 0) + self.acked_after.get(k, 0)} {k}" for k in KINDS
        )
        resume = f"{self.resume_s:.1f} s" if self.resume_s is not None else "never"
        lost = (
            "all on the new primary"
            if not self.lost
            else f"{len(self.lost)} NOT on the new primary: {', '.join(sorted(self.lost)[:5])}"
        )
        out = [
            f"{before} commands acknowledged before the kill, {after} after the failover: {lost}",
            "hash chain intact; verify passed (invariants, snapshot agrees with a full replay)"
            if not any(p.startswith(("journal", "verify")) for p in self.problems)
            else "hash chain or verify FAILED",
            f"replay of {self.replay_events} events: state hash {self.state_hash[:16]}, "
            + (
                "equal to the read replica's "
                f"on standby2 at seq {self.served_seq} (the restarted server's last)"
                if not any(p.startswith("read replica") for p in self.problems)
                else f"NOT the read replica's (at seq {self.replica_seq})"
            ),
            f"acknowledged by kind: {kinds}",
            f"time to promote {self.promote_s:.2f} s (pg_ctl promote); standby2 synchronous again "
            f"{self.resync_s:.2f} s later; {'warm spare' if self.spare else 'server'} "
            f"answering {self.restart_s:.1f} s after the promotion, "
            f"{self.server_back_s:.1f} s and first command acknowledged {resume} after the kill",
        ]
        out.append("replication checked (openets replication): " + "; then ".join(self.deployment))
        answered, failed = self.outage_reads
        out.append(
            f"read replica (openets serve --replica-of standby2): {answered} of "
            f"{answered + failed} market-data reads answered while the sequencer was down"
        )
        out += [f"FAILED: {p}" for p in self.problems]
        out.append("failover drill passed" if self.ok else "failover drill FAILED")
        return out


def acked_ids(acks: Acks) -> dict[str, set[str]]:
    with acks.lock:
        return {k: set(getattr(acks, k)) for k in KINDS}


def journaled_ids(db: str) -> tuple[dict[str, set[str]], str | None]:
    """What the journal at ``db`` holds of each kind the clients send, and a chain problem."""
    j = SqlJournal(make_engine(db, migrate=False))
    try:
        found: dict[str, set[str]] = {k: set() for k in KINDS}
        records = list(j.read())
        for r in records:
            if r.type == "FundsPosted":
                d = orjson.loads(r.payload)
                if d["tx_type"] == "deposit":
                    found["deposits"].add(d["ref"])
            elif r.type == "ListingPosted":
                found["listings"].add(orjson.loads(r.payload)["listing_id"])
            elif r.type == "TradeExecuted":
                found["trades"].add(orjson.loads(r.payload)["trade_id"])
            elif r.type == "ListingCancelled":
                d = orjson.loads(r.payload)
                if d["reason"] == "cancelled":
                    found["cancels"].add(d["listing_id"])
        return found, verify_chain(records)[1]
    finally:
        j.close()
        j.engine.dispose()


def check_new_primary(
    db: str, acked: dict[str, set[str]], report: FailoverReport, served_seq: int | None = None
) -> None:
    """The checks on the new primary ``db``: every ``acked`` id journaled (else ``lost``), the
    chain, ``verify``, a full replay (and, given ``served_seq``, that it ends there). Problems
    go to ``report.problems``."""
    found, problem = journaled_ids(db)
    if problem is not None:
        report.problems.append(f"journal on the new primary: {problem}")
    report.lost = sorted(
        f"{kind[:-1]} {ident}" for kind in KINDS for ident in acked.get(kind, set()) - found[kind]
    )
    if report.lost:
        report.problems.append(
            f"{len(report.lost)} acknowledged commands are not on the new primary: "
            + ", ".join(report.lost[:5])
        )
    ok, lines = verify_market(db)
    if not ok:
        report.problems.append(f"verify on the new primary: {' | '.join(lines)}")
    report.replay_events, report.state_hash, _ = replay_market(db)
    if served_seq is not None and report.replay_events != served_seq:
        report.problems.append(
            f"the server's last seq {served_seq} is not the journal's {report.replay_events}"
        )
