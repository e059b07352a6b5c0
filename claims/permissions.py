"""Who may do what: editors add stories and review claims; viewers only read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission

EDITORS = "editors"
VIEWERS = "viewers"
EDITOR_PERMISSIONS = ("claims.add_story", "claims.add_article", "claims.add_review")


@dataclass(frozen=True)
class Groups:
    editors: Group
    viewers: Group


def ensure_groups() -> Groups:
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    for label in EDITOR_PERMISSIONS:
        app_label, codename = label.split(".")
        editors.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return Groups(editors=editors, viewers=viewers)


def can_edit(user: Any) -> bool:
    """Add stories and review claims."""
    return bool(user.is_authenticated and user.has_perm("claims.add_review"))
