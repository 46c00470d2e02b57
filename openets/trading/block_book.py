"""The block desk's state: every block request and what each party holds on it.

Changed only by the block events; the engine's block use case decides them. The queries give
each viewer only what :func:`openets.trading.block.view_for` lets it see.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from openets.trading import block as core
from openets.trading.block import BlockSide, BlockState, RequestStatus, RequestView
from openets.trading.block_messages import (
    BlockLock,
    BlockQuoted,
    BlockQuoteEnded,
    BlockRequestEnded,
    BlockRequestOpened,
    BlockTraded,
)

Key = tuple[str, str]  # (request id, party)


@dataclass(slots=True)
class BlockBook:
    """Every block request of the market and what each party holds on it."""

    requests: dict[str, BlockState] = field(default_factory=dict)
    locks: dict[Key, BlockLock] = field(default_factory=dict)

    def _set(self, request_id: str, locks: tuple[BlockLock, ...]) -> None:
        for lk in locks:
            if lk.fen or lk.recv_fen or lk.tonnes:
                self.locks[(request_id, lk.party)] = lk
            else:
                self.locks.pop((request_id, lk.party), None)

    def apply_opened(self, ev: BlockRequestOpened) -> None:
        rid = ev.request.request_id
        self.requests[rid] = BlockState(ev.request, RequestStatus.OPEN, (ev.quote,))
        self._set(rid, ev.locks)

    def apply_quoted(self, ev: BlockQuoted) -> None:
        st = self.requests[ev.request_id]
        kept = tuple(q for q in st.live if q.quote_id not in ev.ended)
        self.requests[ev.request_id] = replace(st, live=(*kept, ev.quote))
        self._set(ev.request_id, ev.locks)

    def apply_quote_ended(self, ev: BlockQuoteEnded) -> None:
        st = self.requests[ev.request_id]
        kept = tuple(q for q in st.live if q.quote_id not in ev.ended)
        self.requests[ev.request_id] = replace(st, live=kept)
        self._set(ev.request_id, ev.locks)

    def apply_traded(self, ev: BlockTraded) -> None:
        st = self.requests[ev.request_id]
        self.requests[ev.request_id] = BlockState(st.request, RequestStatus.TRADED, (), ev.trade)
        self._set(ev.request_id, ev.locks)

    def apply_ended(self, ev: BlockRequestEnded) -> None:
        st = self.requests[ev.request_id]
        self.requests[ev.request_id] = replace(st, status=ev.status, live=())
        self._set(ev.request_id, ev.locks)

    # --- queries (per viewer) ------------------------------------------------------------
    def requests_for(
        self, viewer: str, *, instrument: str | None = None, include_ended: bool = False
    ) -> tuple[RequestView, ...]:
        """The block desk as ``viewer`` sees it: open requests anonymously, directed offers
        only to their two parties, the viewer's own dialogues; ended ones to their parties."""
        out = []
        for rid in sorted(self.requests):
            st = self.requests[rid]
            if instrument is not None and st.request.instrument != instrument:
                continue
            if not include_ended and st.status is not RequestStatus.OPEN:
                continue
            view = core.view_for(st, viewer)
            if view is not None:
                out.append(view)
        return tuple(out)

    def request_for(self, request_id: str, viewer: str) -> RequestView | None:
        st = self.requests.get(request_id)
        return None if st is None else core.view_for(st, viewer)

    def locks_of(self, account_id: str) -> tuple[tuple[str, BlockLock], ...]:
        return tuple(
            (rid, lk) for (rid, party), lk in sorted(self.locks.items()) if party == account_id
        )

    def violations(self) -> list[str]:
        out: list[str] = []
        for (rid, party), lk in sorted(self.locks.items()):
            st = self.requests.get(rid)
            if min(lk.fen, lk.recv_fen, lk.tonnes) < 0 or lk.recv_fen > lk.fen:
                out.append(f"block lock of {party} on {rid} is not sane: {lk}")
            if st is None or st.status is not RequestStatus.OPEN:
                out.append(f"block request {rid} is not open but {party} still holds {lk}")
                continue
            need = core.held(st).get(party)
            if need is None:
                out.append(f"{party} holds {lk} on {rid} without a live quote")
            elif core.side_of(st, party) is BlockSide.SELL and lk.tonnes != need[1]:
                out.append(f"{party} holds {lk.tonnes} t on {rid}, its quotes need {need[1]} t")
            elif core.side_of(st, party) is BlockSide.BUY and lk.fen < need[1]:
                out.append(f"{party} holds {lk.fen} fen on {rid}, its quotes need {need[1]} fen")
        for rid, st in self.requests.items():
            if st.status is RequestStatus.OPEN:
                for party in core.held(st):
                    if (rid, party) not in self.locks:
                        out.append(f"{party} quotes on block request {rid} without a lock")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            "requests": sorted(
                (
                    rid,
                    st.status.value,
                    [(q.quote_id, q.by, q.to or "", q.price, q.quantity) for q in st.live],
                    st.trade.trade_id if st.trade else "",
                )
                for rid, st in self.requests.items()
            ),
            "locks": sorted(
                (rid, party, lk.fen, lk.recv_fen, lk.tonnes)
                for (rid, party), lk in self.locks.items()
            ),
        }
