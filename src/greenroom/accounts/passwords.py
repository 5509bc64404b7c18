"""Passwords: argon2id hashes (argon2-cffi) and the minimum we accept."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256

_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so timing does not reveal which names exist.
_DUMMY = _hasher.hash("greenroom-no-such-account")


class WeakPassword(ValueError):
    """A password that does not meet the policy."""


def check_policy(password: str, username: str = "") -> None:
    """Refuse passwords that are too short, too long, or the user name itself."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    if username and password.lower() == username.lower():
        raise WeakPassword("the password must not be the user name")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches the stored hash (always spends the hashing time)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)
