"""Notifications in English (the API's ``text`` of a note; the pages word them in both
languages from the same kind and parameters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openets.api.notify import Note

ENGLISH = {
    "fill": "Fill: {side} {instrument} {quantity} t at {price} ({method}), trade {trade_id}",
    "listing_expired": "Listing {listing_id} ({side} {instrument}) expired with {remaining} t",
    "block_offer": "Block offer for you on {request_id}: {quantity} t at {price}",
    "auction_cancelled": "Auction {auction_id} was cancelled: {reason}",
    "approval_waiting": "A {request_kind} request {request_id} waits for a second approval",
    "approval_decided": "Your request {request_id} was decided (approved: {approved}) {reason}",
    "account_status": "The account is now {status}: {reason}",
    "restriction": "Restriction set (trading {trading}, transfers {transfer}): {reason}",
    "risk_warning": "Risk warning on {instrument}: {text}",
    "large_holder": "Large-holder report due: {position} t of {product} (threshold {threshold})",
    "alert": "Surveillance alert {alert_id}: {detector} on {instrument} ({severity})",
    "funds": "Funds: {tx_type} of {amount} yuan",
    "allowances": "Allowances: {tx_type} of {quantity} t {product}",
    "obligation": "Compliance {year}: obligation {obligation} t determined",
    "penalty": "Compliance {year}: shortfall {shortfall} t, fine {fine} yuan",
    "report_waiting": "The {year} emission report of {entity_id} waits for verification",
    "report_to_approve": "The {year} emission report of {entity_id} is verified and waits for "
    "approval",
    "report_verified": "Your {year} emission report is verified (figures changed: {adjusted}) "
    "{reason}",
    "report_approved": "Your {year} emission report is approved: {emissions} t",
    "step_due": "Compliance {year}: {step_kind} due {due} (Beijing time), {days_left} days "
    "{hours_left} hours left",
}


def english(n: Note) -> str:
    if n.kind == "alert" and not n.params.get("instrument") and "accounts" in n.params:
        about = f"account {n.params['accounts']}"
        if n.params.get("subject"):
            about = f"{n.params['subject']} of {about}"
        return ENGLISH[n.kind].format(**{**n.params, "instrument": about})
    if n.kind == "risk_warning" and not n.params.get("instrument"):
        return ENGLISH[n.kind].format(**{**n.params, "instrument": "the whole market"})
    try:
        return ENGLISH[n.kind].format(**n.params)
    except (KeyError, IndexError):
        return n.kind
