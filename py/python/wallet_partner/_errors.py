"""Exceptions raised by wallet_partner. Every one carries the core's stable numeric ``code``."""

from __future__ import annotations

__all__ = [
    "WalletPartnerError",
    "ValidationError",
    "TransitionError",
    "ConflictingOutcomeError",
    "SignatureError",
    "ProtocolError",
    "PlatformError",
    "ArgumentTypeError",
]


class WalletPartnerError(Exception):
    """Base class: ``code`` is the stable numeric code, ``kind`` its short name."""

    code: int
    kind: str

    def __init__(self, message: str, code: int = 0, kind: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.kind = kind

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code})"


class ValidationError(WalletPartnerError, ValueError):
    """1xxx: invalid merchant input (currency, amount limits, missing or invalid field)."""


class TransitionError(WalletPartnerError):
    """1007/1009: the call is not allowed in the payment's current state."""


class ConflictingOutcomeError(TransitionError):
    """2011: a verified message contradicts a final outcome; nothing changed, review manually.

    Answer the callback with HTTP 200: the message is authentic and retries will not help.
    """


class SignatureError(WalletPartnerError, ValueError):
    """2001/2002: missing or invalid signature. Answer the callback with HTTP 400."""


class ProtocolError(WalletPartnerError, ValueError):
    """2xxx: malformed or mismatched message (wrong JSON, wrong types, another payment...)."""


class PlatformError(WalletPartnerError):
    """3xxx: the platform rejected a request."""


class ArgumentTypeError(WalletPartnerError, TypeError):
    """9005: an argument of the wrong Python type (e.g. ``str`` where ``bytes`` is needed)."""
