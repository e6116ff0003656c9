"""The shared signature vectors (tests/vectors), the same files the Rust, C and Kotlin suites read."""
import json
import urllib.parse

import pytest

import wallet_partner as wp
from conftest import load

OFFICIAL = load("official-sdk-cases.json")
CORPUS = load("signed-corpus.json")
HAND = load("signature-cases.json")


@pytest.mark.parametrize("case", [c for c in OFFICIAL if c["kind"] in ("sign", "string_to_sign")], ids=lambda c: c["id"])
def test_official_sign_cases(case):
    if case.get("string_to_sign"):
        assert wp.canonical_string(case["params"]) == case["string_to_sign"]
    if case["kind"] == "sign":
        assert wp.sign(case["params"], case["secret"]) == case["signature"]


@pytest.mark.parametrize("case", [c for c in OFFICIAL if c["kind"] == "callback"], ids=lambda c: c["id"])
def test_official_callbacks(case):
    body = case["body"].encode()
    if case["valid"]:
        msg = wp.verify(body, case["secret"])
        sig = msg.pop("signature", None) or msg["general"].pop("signature")
        assert wp.canonical_string(msg) == case["string_to_sign"]
        assert wp.sign(msg, case["secret"]) == sig
    else:
        with pytest.raises(wp.WalletPartnerError) as err:
            wp.verify(body, case["secret"])
        assert err.value.code == case["error_code"]


@pytest.mark.parametrize("case", [c for c in OFFICIAL if c["kind"] == "payment_page_url"], ids=lambda c: c["id"])
def test_official_payment_page_signatures(case):
    assert wp.sign(case["params"], case["secret"]) == case["signature"]


@pytest.mark.parametrize("i", range(len(CORPUS)))
def test_signed_corpus(i):
    case = CORPUS[i]
    assert wp.canonical_string(case["params"]) == case["string_to_sign"]
    assert wp.sign(case["params"], case["secret"]) == case["signature"]
    assert wp.sign_string(case["string_to_sign"], case["secret"]) == case["signature"]
    msg = json.loads(json.dumps(case["params"]))
    if "general" in msg:
        msg["general"]["signature"] = case["signature"]
    else:
        msg["signature"] = case["signature"]
    body = json.dumps(msg).encode()
    assert wp.verify(body, case["secret"])
    with pytest.raises(wp.SignatureError) as err:
        wp.verify(body, case["secret"] + "x")
    assert err.value.code == 2002


@pytest.mark.parametrize("case", HAND["canonical"], ids=lambda c: c["name"])
def test_hand_written_canonical(case):
    if not case.get("text_only"):
        params = json.loads(case["params_json"])
        assert wp.canonical_string(params) == case["canonical"]
        assert wp.sign(params, case["secret"]) == case["signature"]
    # As received text (numbers keep their text): a signed copy verifies.
    body = case["params_json"].rstrip()[:-1] + ', "signature": "%s"}' % case["signature"]
    if case["params_json"].strip() == "{}":
        body = '{"signature": "%s"}' % case["signature"]
    assert wp.verify(body.encode(), case["secret"]) is not None


@pytest.mark.parametrize("case", HAND["verify"], ids=lambda c: c["name"])
def test_hand_written_verify(case):
    if case["valid"]:
        wp.verify(case["body"].encode(), case["secret"])
    else:
        with pytest.raises(wp.WalletPartnerError) as err:
            wp.verify(case["body"].encode(), case["secret"])
        assert err.value.code == case["error_code"]


def test_payment_page_url_is_signed_and_parses():
    project = wp.Project(48039, "secret", payment_page_url="https://pp.example/payment")
    payment = wp.Payment(project, payment_id="o 1&x", amount=10000, customer={"id": "c1", "email": "a@b.in"},
                         return_url="https://shop.example/ok?a=1&b=2", description="B&W ₹")
    url = payment.payment_page_url(now_ms=1)
    base, query = url.split("?", 1)
    assert base == "https://pp.example/payment"
    params = dict(urllib.parse.parse_qsl(query))
    sig = params.pop("signature")
    assert params["force_payment_method"] == "wallet-partner"
    assert params["payment_description"] == "B&W ₹"
    assert wp.sign(params, "secret") == sig
    assert list(urllib.parse.parse_qs(query))[-1] == "signature"
