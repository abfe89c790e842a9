"""What a new password must satisfy beyond its length: not one of the most common
passwords (backend/auth/common_passwords.txt) and not the account's own email address."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from backend.auth.passwords import normalize

_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(x).casefold() for x in lines if x and not x.startswith("#"))


def check_new_password(password: str, email: str | None = None) -> str:
    folded = normalize(password).casefold()
    if folded in common_passwords():
        raise ValueError("is one of the most commonly used passwords; choose another")
    if email and folded == email.casefold():
        raise ValueError("must not be your email address")
    return password
