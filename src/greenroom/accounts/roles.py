"""Roles and what each may do. Every web route names the permission it needs; roles grant permissions."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The roles an account can hold (one per account)."""

    member = "member"
    auditor = "auditor"
    business_affairs = "business_affairs"
    member_services = "member_services"
    admin = "admin"


ROLE_LABELS = {
    Role.member: "Member",
    Role.auditor: "Residuals auditor",
    Role.business_affairs: "Business affairs",
    Role.member_services: "Member services",
    Role.admin: "Administrator",
}

STAFF_ROLES = frozenset({Role.auditor, Role.business_affairs, Role.member_services, Role.admin})


class Permission(StrEnum):
    """Things a route can require."""

    own_data = "own_data"  # a member's own rows
    ingest = "ingest"  # upload studio files, see and fix the quarantine, recompute
    residuals = "residuals"  # search any member's residual lines
    audit = "audit"  # findings and their workflow, audit reports
    members = "members"  # look a member up, see their statement
    invite = "invite"  # invite members
    review = "review"  # contract review
    consent_read = "consent_read"  # the consent registry, read
    consent_write = "consent_write"  # record consents and uses
    accounts = "accounts"  # create staff accounts, reset passwords, read the whole access log


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.member: frozenset({Permission.own_data}),
    Role.auditor: frozenset({Permission.ingest, Permission.residuals, Permission.audit, Permission.members}),
    Role.business_affairs: frozenset({Permission.review, Permission.consent_read, Permission.consent_write,
                                      Permission.members}),
    Role.member_services: frozenset({Permission.members, Permission.invite, Permission.residuals,
                                     Permission.consent_read, Permission.consent_write}),
    Role.admin: frozenset(set(Permission) - {Permission.own_data}),
}


def parse_role(value: str) -> Role:
    """A Role from its name, with a clear error naming the choices."""
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}; choose one of: {', '.join(r.value for r in Role)}") from None


def allows(role: str, permission: Permission) -> bool:
    """Whether a role holds a permission."""
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False


def is_staff(role: str) -> bool:
    """Staff roles see members' data (and each such read is logged)."""
    return role in STAFF_ROLES
