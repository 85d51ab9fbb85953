from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model

EDITOR_USERNAME = "redactie"


def editor_create_if_none() -> tuple[str, str] | None:
    """Create the first editor account; its user name and password, or None if one exists."""
    user_model = get_user_model()
    if user_model.objects.filter(is_superuser=True).exists():
        return None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=EDITOR_USERNAME, email="", password=password)
    return EDITOR_USERNAME, password
