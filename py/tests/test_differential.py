"""Differential test against the platform's official Python SDK (ecommpay-sdk, payment_page_sdk).

Generated wallet-partner requests and callbacks (no arrays of 11+ elements, no nulls, keys of
letters and underscores, where the SDK's plain sort and `str(None)` agree with the spec):
signatures and verdicts must agree both ways.
"""
import json
import random

import pytest

import wallet_partner as wp

sdk_sig = pytest.importorskip("payment_page_sdk.signature_handler")
sdk_cb = pytest.importorskip("payment_page_sdk.callback")
sdk_exc = pytest.importorskip("payment_page_sdk.process_exception")

STATUSES = ["success", "decline", "awaiting redirect result", "processing", "refunded", "external processing"]


def word(r, n=8):
    return "".join(r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(r.randint(1, n)))


def text(r):
    return r.choice(["Wallet top-up", "Order #%d" % r.randint(1, 99999), "Ünïcödé ₹ payment", "a;b:c", "B&W 50%", word(r, 20)])


def request(r):
    msg = {
        "general": {"project_id": r.randint(1, 2 ** 32 - 1), "payment_id": "wp-" + word(r, 12)},
        "payment": {"amount": r.randint(100, 40_000_000), "currency": "INR", "description": text(r)},
        "customer": {"id": "cust_" + word(r), "ip_address": "%d.%d.%d.%d" % tuple(r.randint(1, 254) for _ in range(4)),
                     "first_name": word(r), "last_name": word(r), "phone": str(r.randint(10 ** 9, 10 ** 12)),
                     "email": word(r) + "@example.in"},
        "return_url": {"success": "https://shop.example.in/ok?x=" + word(r)},
    }
    if r.random() < 0.5:
        msg["return_url"]["decline"] = "https://shop.example.in/fail"
    if r.random() < 0.3:
        msg["general"]["merchant_callback_url"] = "https://shop.example.in/cb"
    return msg


def callback(r):
    amount = r.randint(100, 40_000_000)
    status = r.choice(STATUSES)
    msg = {
        "project_id": r.randint(1, 2 ** 32 - 1),
        "payment": {"id": "wp-" + word(r, 12), "type": "purchase", "status": status, "date": "2026-11-28T10:00:00+0000",
                    "method": "wallet-partner", "sum": {"amount": amount, "currency": "INR"}, "description": text(r)},
        "customer": {"id": "cust_" + word(r)},
        "operation": {"id": r.randint(2 ** 53, 2 ** 63), "type": r.choice(["sale", "refund"]), "status": status,
                      "date": "2026-11-28T10:00:00+0000", "request_id": word(r, 30),
                      "sum_initial": {"amount": amount, "currency": "INR"}, "sum_converted": {"amount": amount, "currency": "INR"},
                      "code": r.choice(["0", "20000", "3283"]), "message": text(r),
                      "provider": {"id": r.randint(1, 9999), "payment_id": word(r, 15), "auth_code": str(r.randint(0, 999999))}},
    }
    if status == "awaiting redirect result":
        msg["redirect_data"] = {"url": "https://wallet-partner.example/pay/" + word(r), "method": r.choice(["GET", "POST"]),
                                "body": {"txn_token": word(r, 24), "merchant_id": word(r)}}
    if r.random() < 0.3:
        msg["errors"] = [{"code": str(r.randint(1, 9999)), "message": text(r), "field": word(r)} for _ in range(r.randint(1, 10))]
    if r.random() < 0.3:
        msg["frame_mode"] = "popup"
    return msg


@pytest.mark.parametrize("seed", range(4))
def test_signatures_agree(seed):
    r = random.Random(seed)
    for n in range(1000):
        secret = word(r, 40)
        msg = request(r) if n % 2 else callback(r)
        ours = wp.sign(msg, secret)
        theirs = sdk_sig.SignatureHandler(secret).sign(json.loads(json.dumps(msg)))
        assert ours == theirs, json.dumps(msg)


@pytest.mark.parametrize("seed", range(2))
def test_verdicts_agree(seed):
    r = random.Random(100 + seed)
    for n in range(1000):
        secret = word(r, 40)
        msg = callback(r)
        signed = dict(msg, signature=sdk_sig.SignatureHandler(secret).sign(msg))
        body = json.dumps(signed)
        mode = n % 3
        if mode == 1:  # tamper with a signed value
            body = body.replace('"method": "wallet-partner"', '"method": "wallet-partnes"')
        if mode == 2:  # the wrong secret
            secret = secret + "x"
        try:
            sdk_cb.Callback(body, sdk_sig.SignatureHandler(secret))
            theirs = True
        except sdk_exc.ProcessException:
            theirs = False
        try:
            wp.Project(1, secret).verify_callback(body.encode()) if False else wp.verify(body.encode(), secret)
            ours = True
        except wp.SignatureError:
            ours = False
        assert ours == theirs == (mode == 0), body
