"""The password policy for every new password (``POST /users`` and ``openets users add``).

A password has at least :data:`MIN_PASSWORD` characters (at most :data:`MAX_PASSWORD`), is not
the username and does not contain it (either ignoring case), and is not in the list of common
passwords shipped with the package (``common-passwords.txt``: the most common passwords of the
well-known public breach-frequency lists, one a line, lower case, compared ignoring case).
The market has no password-change route yet: when one comes, it calls :func:`password_problem`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

MIN_PASSWORD = 12
MAX_PASSWORD = 256


@cache
def common_passwords() -> frozenset[str]:
    """The shipped common-password list, lower-cased."""
    text = files("openets.api").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: object, username: str) -> str | None:
    """Why ``password`` may not be ``username``'s password (None when it may). The message
    names the rule, never the password itself."""
    if not isinstance(password, str):
        return f"password must be text, was {type(password).__name__}"
    n = len(password)
    if not MIN_PASSWORD <= n <= MAX_PASSWORD:
        return f"password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters, has {n}"
    folded = password.casefold()
    if username and username.casefold() in folded:
        return f"password must not be or contain the username {username!r}"
    if folded in common_passwords():
        return "password is in the list of common passwords; choose one that is not"
    return None
