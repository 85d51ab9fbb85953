from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy


class NoAddingPolicy(ModelPermissionPolicy):
    """For rows only readers or the system create (comments, messages, requests, mail):
    editors may see, change and delete them, never add one by hand."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action != "add" and bool(super().user_has_permission(user, action))

    def user_has_any_permission(self, user: Any, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> Any:
        allowed = [action for action in actions if action != "add"]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)
