"""The reader of the download tests, asking for the essay as the gate's form would."""

from __future__ import annotations

from voorproef.downloads.models import DownloadRequest
from voorproef.downloads.services import download_request_create
from voorproef.essays.models import EssayPage


def requested(
    essay: EssayPage,
    *,
    name: str = "Anna de Boer",
    email: str = "anna@example.nl",
    newsletter: bool = False,
    ip_network: str = "192.0.2.0",
    user_agent: str = "Firefox",
) -> tuple[DownloadRequest, str]:
    """A download request stored as the form stores it, and the key of its personal link."""
    return download_request_create(
        essay=essay,
        name=name,
        email=email,
        newsletter=newsletter,
        ip_network=ip_network,
        user_agent=user_agent,
    )
