"""What each kind of mail is called in the editors' outbox. A feature that sends mail names its
kinds in its AppConfig.ready(); the outbox knows no feature."""

from __future__ import annotations

from django.utils.functional import Promise

_LABELS: dict[str, str | Promise] = {}


def mail_kind_register(kind: str, label: str | Promise) -> None:
    _LABELS[kind] = label


def mail_kind_label(kind: str) -> str:
    return str(_LABELS.get(kind, kind))


def mail_kind_choices() -> list[tuple[str, str]]:
    return sorted(((kind, str(label)) for kind, label in _LABELS.items()), key=lambda c: c[1])
