"""Builds tests/vectors/*.json from ../shared/vectors and hand-written cases.

Signatures here are computed with Python's own hmac/hashlib from canonical strings written
by hand, independently of the library, so the library's tests can fail.
Run: python3 tests/vectors/tools/make_vectors.py ../shared/vectors  (from the repo root)
"""
import base64, hashlib, hmac, json, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(OUT, "..", "..", "..", "shared", "vectors")


def sig(secret, canonical):
    return base64.b64encode(hmac.new(secret.encode(), canonical.encode(), hashlib.sha512).digest()).decode()


# --- official SDK cases, annotated with the error code an invalid one must produce ---
cases = json.load(open(os.path.join(SHARED, "official-sdk-cases.json")))
for c in cases:
    if c["kind"] == "callback" and not c["valid"]:
        body = json.loads(c["body"])
        has_sig = "signature" in body or "signature" in (body.get("general") or {})
        c["error_code"] = 2002 if has_sig else 2001
json.dump(cases, open(os.path.join(OUT, "official-sdk-cases.json"), "w"), indent=1, ensure_ascii=False)

# --- hand-written canonical-string cases (SPEC section 2) ---
SECRET = "test-secret-\u20b9"
canon = [
    ("spec example", '{"b": true, "a": {"y": null, "x": [4, 5]}, "frame_mode": "popup"}', "a:x:0:4;a:x:1:5;a:y:;b:1"),
    ("array of 12 elements in natural order", '{"a": [0,1,2,3,4,5,6,7,8,9,10,11]}',
     ";".join(f"a:{i}:{i}" for i in range(12))),
    ("errors:2 before errors:10", '{"errors": [' + ",".join('{"code": "%d"}' % i for i in range(11)) + "]}",
     ";".join(f"errors:{i}:code:{i}" for i in range(11))),
    ("item2 before item10", '{"item10": "x", "item2": "y", "item1": "z"}', "item1:z;item2:y;item10:x"),
    ("x001 < x01 < x1", '{"x1": 1, "x01": 2, "x001": 3}', "x001:3;x01:2;x1:1"),
    ("colon in keys doubled at every depth", '{"a:b": {"c:d": 1}, "a": 2}', "a:2;a::b:c::d:1"),
    ("frame_mode excluded at any depth", '{"x": {"frame_mode": "iframe", "y": 1}, "l": [{"frame_mode": 1, "k": 2}], "frame_mode": "popup"}', "l:0:k:2;x:y:1"),
    ("null keeps its line", '{"d": null, "e": {"f": null}}', "d:;e:f:"),
    ("integers above 2^64 exactly", '{"big": 123456789012345678901234567890, "op": {"id": 18446744073709551615}, "neg": -12}',
     "big:123456789012345678901234567890;neg:-12;op:id:18446744073709551615"),
    ("operation id above 2^53", '{"operation": {"id": 9007199254740993}}', "operation:id:9007199254740993"),
    ("empty containers produce no line", '{"a": {}, "b": [], "c": {"d": {}, "e": []}, "z": 1}', "z:1"),
    ("booleans are 1 and 0", '{"t": true, "f": false}', "f:0;t:1"),
    ("case-sensitive byte order for letters", '{"a": 1, "B": 2, "_": 3}', "B:2;_:3;a:1"),
    ("values are not escaped", '{"v": "a;b:c", "w": "quote\\" and \\\\ slash"}', 'v:a;b:c;w:quote" and \\ slash'),
    ("unicode values as decoded", '{"name": "\\u00dcn\\u00efc\\u00f6d\\u00e9 \\u20b9", "emoji": "\\ud83d\\ude00"}', "emoji:\U0001F600;name:\u00dcn\u00efc\u00f6d\u00e9 \u20b9"),
    ("arrays in arrays", '{"m": [[1, 2], [3]]}', "m:0:0:1;m:0:1:2;m:1:0:3"),
    ("nested signature key is signed when not the message signature", '{"payment": {"id": "p1", "signature": "inner"}}', "payment:id:p1;payment:signature:inner"),
    ("string and integer look alike", '{"a": "1", "b": 1}', "a:1;b:1"),
    ("mixed digits inside keys", '{"k9x": 1, "k10x": 2, "k09x": 3}', "k09x:3;k9x:1;k10x:2"),
    ("escaped colon key next to a sibling's child path", '{"n": {"a": null}, "n:a": null}', "n::a:;n:a:"),
    ("leading zeros at the start of the path", '{"007": 1, "7": 2, "08": 3}', "007:1;7:2;08:3"),
]
canonical_cases = []
for name, text, expected in canon:
    canonical_cases.append({"name": name, "params_json": text, "canonical": expected,
                            "secret": SECRET, "signature": sig(SECRET, expected)})

# floats: only meaningful as received text (a host language may re-render floats)
float_cases = [
    ("floats are signed as their JSON text", '{"f": 1.50, "g": 1e3, "h": -0.0}', "f:1.50;g:1e3;h:-0.0"),
]
for name, text, expected in float_cases:
    canonical_cases.append({"name": name, "params_json": text, "canonical": expected, "text_only": True,
                            "secret": SECRET, "signature": sig(SECRET, expected)})

# --- hand-written verification cases (SPEC section 2.1) ---
verify_cases = []
def add_verify(name, body_without_sig_text, canonical, where="top", valid=True, secret=SECRET, error_code=None, signature=None):
    s = signature if signature is not None else sig(secret, canonical)
    obj = json.loads(body_without_sig_text)
    if where == "top":
        obj["signature"] = s
    elif where == "general":
        obj.setdefault("general", {})["signature"] = s
    verify_cases.append({"name": name, "secret": SECRET, "body": json.dumps(obj, ensure_ascii=False),
                         "valid": valid, **({"error_code": error_code} if error_code else {})})

add_verify("top-level signature", '{"payment": {"id": "p1", "status": "success"}}', "payment:id:p1;payment:status:success")
add_verify("signature under general", '{"general": {"project_id": 7, "payment_id": "p1"}, "payment": {"id": "p1", "status": "success"}}',
           "general:payment_id:p1;general:project_id:7;payment:id:p1;payment:status:success", where="general")
add_verify("general left empty contributes nothing", '{"general": {}, "payment": {"id": "p1", "status": "success"}}',
           "payment:id:p1;payment:status:success", where="general")
add_verify("nested signature signed (variant a)", '{"payment": {"id": "p1", "status": "success", "signature": "inner"}}',
           "payment:id:p1;payment:signature:inner;payment:status:success")
add_verify("nested signature removed (variant b)", '{"payment": {"id": "p1", "status": "success", "signature": "inner"}}',
           "payment:id:p1;payment:status:success")
arr = '{"payment": {"id": "p1", "status": "success"}, "errors": [' + ",".join('{"code": "%d"}' % i for i in range(12)) + "]}"
lines = [f"errors:{i}:code:{i}" for i in range(12)] + ["payment:id:p1", "payment:status:success"]
add_verify("12-element array signed in natural order", arr, ";".join(lines))
add_verify("12-element array signed in byte order (variant c)", arr, ";".join(sorted(lines)))
add_verify("frame_mode ignored", '{"payment": {"id": "p1", "status": "success"}, "frame_mode": "popup"}', "payment:id:p1;payment:status:success")
add_verify("wrong secret", '{"payment": {"id": "p1", "status": "success"}}', "payment:id:p1;payment:status:success",
           secret="other-secret", valid=False, error_code=2002)
add_verify("tampered value", '{"payment": {"id": "p1", "status": "success"}}', "payment:id:p1;payment:status:decline",
           valid=False, error_code=2002)
add_verify("signature of the wrong length", '{"payment": {"id": "p1"}}', "", signature="c2hvcnQ=", valid=False, error_code=2002)
add_verify("signature not base64", '{"payment": {"id": "p1"}}', "", signature="!!not base64!!", valid=False, error_code=2002)
add_verify("empty signature", '{"payment": {"id": "p1"}}', "", signature="", valid=False, error_code=2001)
verify_cases.append({"name": "no signature", "secret": SECRET, "body": '{"payment": {"id": "p1"}}', "valid": False, "error_code": 2001})
verify_cases.append({"name": "signature is a number", "secret": SECRET, "body": '{"payment": {"id": "p1"}, "signature": 5}', "valid": False, "error_code": 2004})
verify_cases.append({"name": "general.signature is an object", "secret": SECRET, "body": '{"general": {"signature": {}}}', "valid": False, "error_code": 2004})
verify_cases.append({"name": "not JSON", "secret": SECRET, "body": '{"payment": ', "valid": False, "error_code": 2003})
verify_cases.append({"name": "JSON array", "secret": SECRET, "body": '[1, 2]', "valid": False, "error_code": 2004})
verify_cases.append({"name": "10000-deep nesting", "secret": SECRET, "body": '{"a":' * 10000 + "1" + "}" * 10000, "valid": False, "error_code": 2005})

json.dump({"canonical": canonical_cases, "verify": verify_cases}, open(os.path.join(OUT, "signature-cases.json"), "w"), indent=1, ensure_ascii=False)
print(len(cases), "official,", len(canonical_cases), "canonical,", len(verify_cases), "verify cases")
