"""Team field rules with Mattermost's error ids, in Mattermost's order."""

from __future__ import annotations

import re

from apps.accounts.validators import validate_email
from apps.core.errors import AppError
from apps.teams.models import TEAM_TYPES

NAME_RE = re.compile(r"^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$")
RESERVED_PREFIXES = (
    "admin",
    "api",
    "channel",
    "claim",
    "error",
    "files",
    "help",
    "landing",
    "login",
    "mfa",
    "oauth",
    "plug",
    "plugins",
    "post",
    "signup",
    "boards",
    "playbooks",
)


def _invalid(what: str, message: str) -> AppError:
    return AppError(f"model.team.is_valid.{what}.app_error", message, 400)


def email_domain_allowed(email: str, allowed_domains: str) -> bool:
    """Whether ``email`` is in one of the domains of a team's ``allowed_domains`` list
    (separated by spaces or commas); an empty list allows every address."""
    domains = [d.strip().lower() for d in allowed_domains.replace(",", " ").split()]
    return not domains or email.rsplit("@", 1)[-1].lower() in domains


def is_valid_team_name(name: str) -> bool:
    return 2 <= len(name) <= 64 and NAME_RE.match(name) is not None


def validate_team(
    *,
    display_name: str,
    name: str,
    description: str,
    email: str,
    type: str,
    company_name: str,
    allowed_domains: str,
) -> None:
    if email:
        try:
            validate_email(email)
        except AppError:
            raise _invalid("email", "The team email address is not valid.") from None
    if not 1 <= len(display_name) <= 64:
        raise _invalid("name", "The display name must be 1 to 64 characters long.")
    if len(name) > 64:
        raise _invalid("url", "The team name may be at most 64 characters long.")
    if len(description) > 255:
        raise _invalid("description", "The description may be at most 255 characters long.")
    if name.startswith(RESERVED_PREFIXES):
        raise _invalid("reserved", "The team name starts with a reserved word.")
    if not is_valid_team_name(name):
        raise _invalid(
            "characters",
            "Team names are 2 to 64 lower-case letters, digits and '-', "
            "starting and ending with a letter or digit.",
        )
    if type not in TEAM_TYPES:
        raise _invalid("type", "The team type must be O (open) or I (invite only).")
    if len(company_name) > 64:
        raise _invalid("company", "The company name may be at most 64 characters long.")
    if len(allowed_domains) > 1000:
        raise _invalid("domains", "The allowed domains list is too long.")
