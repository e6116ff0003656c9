"""ECommPay wallet-partner (India, INR) for Python: a thin layer over a Rust core.

Sans-IO: you send the HTTP requests it builds and feed back what comes in::

    import wallet_partner as wp

    project = wp.Project(48039, secret)
    payment = wp.Payment(project, payment_id="order-1", amount=125_000,
                         customer={"id": "c1", ...}, return_url="https://shop.example/ok")
    request = payment.gate_sale()              # send it; then payment.on_response(status, body)
    callback = project.verify_callback(body)   # in the webhook: raises SignatureError if forged
    step = payment.apply(callback)             # answer with step.http_status; save payment.snapshot()
"""

from __future__ import annotations

from ._errors import (
    ArgumentTypeError,
    ConflictingOutcomeError,
    PlatformError,
    ProtocolError,
    SignatureError,
    TransitionError,
    ValidationError,
    WalletPartnerError,
)
from ._native import (
    ACTIONS,
    OUTCOMES,
    REASONS,
    STATES,
    Action,
    Callback,
    DataApi,
    Finding,
    HttpRequest,
    Pager,
    Payment,
    Project,
    Reconciler,
    Redirect,
    RemoteOperation,
    Report,
    Sandbox,
    Step,
    __version__,
    canonical_string,
    reconcile,
    sign,
    sign_string,
    verify,
)

__all__ = [
    "ACTIONS",
    "OUTCOMES",
    "REASONS",
    "Action",
    "ArgumentTypeError",
    "Callback",
    "ConflictingOutcomeError",
    "DataApi",
    "Finding",
    "HttpRequest",
    "Pager",
    "Payment",
    "PlatformError",
    "Project",
    "ProtocolError",
    "Reconciler",
    "Redirect",
    "RemoteOperation",
    "Report",
    "STATES",
    "Sandbox",
    "SignatureError",
    "Step",
    "TransitionError",
    "ValidationError",
    "WalletPartnerError",
    "__version__",
    "canonical_string",
    "reconcile",
    "sign",
    "sign_string",
    "verify",
]
