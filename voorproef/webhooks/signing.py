"""Signing secrets: made as Standard Webhooks has them (`whsec_` and base64 of random bytes),
kept encrypted with a key made from SECRET_KEY, and used to sign each delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

PREFIX = "whsec_"


class SecretUnreadable(Exception):
    """The secret was sealed with another SECRET_KEY: rotate it to get a new one."""


def _fernet() -> Fernet:
    key = salted_hmac("voorproef.webhooks.secret", "seal", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("the signing secret cannot be read with this SECRET_KEY") from None


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, as Standard Webhooks signs."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    *, secrets_valid: list[str], message_id: str, timestamp: int, body: bytes
) -> str:
    """Every valid secret's signature, space-separated: during a rotation's overlap a receiver
    that still has the old secret, or already the new one, accepts the delivery."""
    return " ".join(
        signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
        for secret in secrets_valid
    )
