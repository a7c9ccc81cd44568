"""The staff roles (README: "Roles") and what each one's reach is. No Django here."""

from __future__ import annotations

from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a label for the translation catalogs (makemessages knows this name); pages
    translate it when they show it (`cases/labels.py: role_label`)."""
    return message


class Role(StrEnum):
    CLERK = "clerk"
    ATTACHE = "attache"
    CONSUL = "consul"
    RECEPTION = "reception"
    HQ = "hq"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: gettext_noop("Clerk"),
    Role.ATTACHE: gettext_noop("Defence Attaché"),
    Role.CONSUL: gettext_noop("Consul"),
    Role.RECEPTION: gettext_noop("Reception (meeting point)"),
    Role.HQ: gettext_noop("Headquarters"),
    Role.AUDITOR: gettext_noop("Auditor"),
    Role.ADMIN: gettext_noop("Administrator"),
}

# Staff of these roles work at one mission and see only its cases.
MISSION_ROLES = frozenset({Role.CLERK, Role.ATTACHE, Role.CONSUL})
# Roles that see no case at all: oversight and operations never read case contents.
NO_CASE_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
# Reception sees only people on their way or arrived, and only what identifies them.
RECEPTION_STAGES = frozenset({"travel", "arrived"})
# Roles that may record contacts (phone, email, walk-in) and upload or verify documents.
DOCUMENT_ROLES = frozenset({Role.CLERK, Role.ATTACHE, Role.CONSUL, Role.HQ})
CONTACT_ROLES = frozenset({Role.CLERK, Role.HQ})


def requires_mission(role: Role) -> bool:
    return role in MISSION_ROLES


# Roles that read a whole case; reception reads only what identifies a volunteer at check-in.
FULL_CASE_ROLES = frozenset({Role.CLERK, Role.ATTACHE, Role.CONSUL, Role.HQ})
# Roles that may read a whole case without acting on it, each time with a reason
# (need-to-know: cases/need_to_know.py): oversight of what was done to a volunteer.
READ_ONLY_CASE_ROLES = frozenset({Role.AUDITOR})

# Roles that must sign in with a passkey once they have enrolled one: an authenticator app's
# code can be phished, a WebAuthn assertion cannot (it names the site that asked for it).
# They keep TOTP and recovery codes only to recover (accounts/views.py).
PASSKEY_REQUIRED_ROLES = frozenset({Role.HQ, Role.ATTACHE, Role.CONSUL, Role.ADMIN})


def passkey_required(role: str) -> bool:
    return role in PASSKEY_REQUIRED_ROLES
