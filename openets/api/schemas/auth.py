"""Bodies of login, sessions and users."""

from __future__ import annotations

from typing import Annotated, Literal

from openets.api.schemas.common import (
    AccountRef,
    InModel,
    OutModel,
    text_schema,
    text_validator,
)

Username = Annotated[str, text_validator(64, 1), text_schema(64, 1)]
Password = Annotated[str, text_validator(256, 1), text_schema(256, 1)]

ProvinceName = Annotated[str, text_validator(8, 1), text_schema(8, 1)]
RoleName = Literal[
    "participant",
    "registry_operator",
    "exchange_operator",
    "regulator",
    "verifier",
    "settlement_bank",
]
PermissionName = Literal["trade", "funds", "surrender", "view"]


Otp = Annotated[str, text_validator(16, 1), text_schema(16, 1)]


class LoginIn(InModel):
    username: Username
    password: Password
    otp: Otp | None = None
    """The 6-digit code of the authenticator app: required where the user has two-factor login."""


class MfaEnrollOut(OutModel):
    secret: str
    """Base32; enter it (or the URI as a QR code) in an authenticator app."""
    otpauth_uri: str


class MfaConfirmIn(InModel):
    otp: Otp


class MfaOut(OutModel):
    mfa: bool


class TokenOut(OutModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    username: str
    role: str
    account_id: str | None


class SessionOut(OutModel):
    csrf_token: str
    expires_in: int
    username: str
    role: str
    account_id: str | None


class LogoutOut(OutModel):
    status: Literal["logged_out"] = "logged_out"


PersonName = Annotated[str, text_validator(64, 1, name=True), text_schema(64, 1)]
IdNumber = Annotated[str, text_validator(32, 1), text_schema(32, 1)]
PersonId = Annotated[str, text_validator(16, 1), text_schema(16, 1)]
Reason = Annotated[str, text_validator(500, 0), text_schema(500, 0)]


class PersonIn(InModel):
    """The natural person behind a login: the name and the ID card or passport number (only a
    digest of the number is kept)."""

    name: PersonName
    id_number: IdNumber


class UserCreate(InModel):
    username: Username
    password: Password
    role: RoleName
    account_id: AccountRef | None = None
    permissions: list[PermissionName] | None = None
    """Participant users only; all four when left out."""
    provinces: list[ProvinceName] | None = None
    """A verifier's provinces; a regulator's one province (none: national)."""
    person: PersonIn | None = None
    """Required for staff roles (or ``person_id``): one person holds one staff login."""
    person_id: PersonId | None = None
    """An already registered person (``GET /users`` shows each user's)."""


class UserCreated(OutModel):
    user_id: str
    status: str
    username: str
    role: str
    account_id: str | None
    permissions: list[str]
    person_id: str
    requested_by: str


class UserOut(OutModel):
    user_id: str
    username: str
    status: str
    role: str
    account_id: str | None
    permissions: list[str]
    person_id: str
    requested_by: str
    approved_by: str | None
    disabled_by: str | None
    pending_role: str | None
    """A role change waiting for approval."""
    pending_account_id: str | None
    pending_by: str | None
    pending_enable: bool
    """Re-enabling the (disabled) login was asked for and waits for approval."""
    enable_requested_by: str | None
    """Who last asked to re-enable the login."""
    mfa: bool
    created_at: str


class UserList(OutModel):
    data: list[UserOut]


class ApproveIn(InModel):
    reason: Reason = ""


class DisableIn(InModel):
    reason: Annotated[str, text_validator(500, 1), text_schema(500, 1)]


class RoleChangeIn(InModel):
    role: RoleName
    account_id: AccountRef | None = None
    permissions: list[PermissionName] | None = None


class UserPublic(OutModel):
    username: str
    role: str
    account_id: str | None
    permissions: list[str]
