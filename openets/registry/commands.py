"""Registry commands: requests that the registry accepts (events) or refuses (a Rejection)."""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Command
from openets.registry.model import AccountStatus, SubjectType, SystemRole


@dataclass(frozen=True, slots=True)
class OpenAccount(Command):
    """Open a participant account for a subject. ``activate`` opens it directly as active
    (the registry operator's own opening); otherwise it waits in ``applied``."""

    subject_type: SubjectType
    name: str
    id_code: str
    province: str
    activate: bool = True


@dataclass(frozen=True, slots=True)
class OpenSystemAccount(Command):
    role: SystemRole
    province: str = ""


@dataclass(frozen=True, slots=True)
class ChangeAccountStatus(Command):
    account_id: str
    status: AccountStatus
    reason: str


@dataclass(frozen=True, slots=True)
class Issue(Command):
    account_id: str
    product: str
    quantity: int
    reason: str
    registered_on: str = ""
    """CCER only: the ISO date its project was filed (registered). Before 2017-03-14 the
    credits are issued as ``CCER-PRE17``; '' (and every issue before the field existed): a
    later credit, ``CCER``."""


@dataclass(frozen=True, slots=True)
class ClawBack(Command):
    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class RequestIssuance(Command):
    """An issuance asked for by one registry operator; a different person approves it (four
    eyes) and only then are the allowances issued. ``Issue`` stays for the engine's own paths
    (the regulator's allocation runs, seeding, set-up scripts)."""

    account_id: str
    product: str
    quantity: int
    reason: str
    registered_on: str = ""
    """As ``Issue.registered_on``: CCER only, its project's filing date."""


@dataclass(frozen=True, slots=True)
class RequestTransfer(Command):
    """A non-trade transfer; it needs a second person to approve it."""

    from_account: str
    to_account: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class Decide(Command):
    """Approve or reject a four-eyes request (transfer or correction)."""

    request_id: str
    approve: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RequestCorrection(Command):
    """Correct a transaction by reversing it; needs a second person to approve."""

    tx_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Surrender(Command):
    account_id: str
    compliance_year: int
    items: tuple[tuple[str, int], ...]  # (product, quantity)


@dataclass(frozen=True, slots=True)
class CancelVoluntarily(Command):
    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class Freeze(Command):
    """Judicial freeze: available -> frozen."""

    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class Unfreeze(Command):
    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class Pledge(Command):
    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class ReleasePledge(Command):
    account_id: str
    product: str
    quantity: int
    reason: str
