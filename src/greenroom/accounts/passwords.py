"""Passwords: argon2id hashes (argon2-cffi) and the minimum we accept."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10
MAX_LENGTH = 256

# Both made on first use, not at import: argon2 and the dummy hash cost every command-line start a
# fifth of a second. The tests swap _hasher for one with cheaper parameters.
_hasher: PasswordHasher | None = None
_dummy: str | None = None


def _get_hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def _dummy_hash() -> str:
    # A real hash to verify against when the account does not exist, so timing does not reveal which names exist.
    global _dummy
    if _dummy is None:
        _dummy = _get_hasher().hash("greenroom-no-such-account")
    return _dummy


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
    return _get_hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches the stored hash (always spends the hashing time)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    # The dummy is made before the check either way, so the first call costs the same for a missing account.
    dummy = _dummy_hash()
    try:
        return _get_hasher().verify(stored or dummy, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _get_hasher().check_needs_rehash(stored)
