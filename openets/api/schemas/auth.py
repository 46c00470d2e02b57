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
RoleName = Literal["participant", "registry_operator", "exchange_operator", "regulator", "verifier"]
PermissionName = Literal["trade", "funds", "surrender", "view"]


class LoginIn(InModel):
    username: Username
    password: Password


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


class UserCreate(InModel):
    username: Username
    password: Password
    role: RoleName
    account_id: AccountRef | None = None
    permissions: list[PermissionName] | None = None
    """Participant users only; all four when left out."""
    provinces: list[ProvinceName] | None = None
    """A verifier's provinces; a regulator's one province (none: national)."""


class UserPublic(OutModel):
    username: str
    role: str
    account_id: str | None
    permissions: list[str]
