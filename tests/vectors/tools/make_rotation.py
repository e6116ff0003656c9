"""Writes tests/vectors/rotation.json: secret rotation. Each case gives a project's signing secret
and its labelled verification keys (in order), and either a key that signs the callback (a runner
signs the message with it, verifies it, and checks the matching key's label, or the error code
and a fragment of its message) or a key set that must be refused when the project is built.
Run from the repo root: python3 tests/vectors/tools/make_rotation.py
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_lifecycle import PROJECT, message  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rotation.json")
NEW, OLD, OLDER = "secret-2026-12-\u20b9", "secret-2026-11", "secret-2026-10"


def verifies(name, signed_with, keys, label, secret=NEW):
    return {"name": name, "secret": secret, "verification_keys": keys, "signed_with": signed_with,
            "expect": {"key_label": label}}


def rejects(name, signed_with, keys, code, contains, secret=NEW):
    return {"name": name, "secret": secret, "verification_keys": keys, "signed_with": signed_with,
            "expect": {"error": code, "message_contains": contains}}


def refused(name, keys, contains, secret=NEW):
    return {"name": name, "secret": secret, "verification_keys": keys, "signed_with": None,
            "expect": {"error": 1011, "message_contains": contains}}


cases = [
    verifies("signing key, no rotation", NEW, [], "current"),
    verifies("signing key during rotation", NEW, [["2026-11", OLD]], "current"),
    verifies("old key during rotation", OLD, [["2026-11", OLD]], "2026-11"),
    verifies("oldest of three", OLDER, [["2026-11", OLD], ["2026-10", OLDER]], "2026-10"),
    verifies("label with spaces", OLD, [["before the Diwali rotation", OLD]], "before the Diwali rotation"),
    verifies("full key ring", OLD, [["a", "k-a"], ["b", "k-b"], ["c", OLD]], "c"),
    # One key: the error is exactly as before rotation existed.
    rejects("forged, one key", "forger", [], 2002, "not signed with this project's secret key"),
    rejects("forged, three keys", "forger", [["2026-11", OLD], ["2026-10", OLDER]], 2002, "none of this project's 3 keys"),
    rejects("retired key", OLDER, [["2026-11", OLD]], 2002, "none of this project's 2 keys"),
    refused("empty key", [["2026-11", ""]], "the key is empty"),
    refused("empty label", [["", OLD]], "the label is empty"),
    refused("duplicate label", [["2026-11", OLD], ["2026-11", OLDER]], "already used"),
    refused("label of the signing key", [["current", OLD]], "already used"),
    refused("label over 64 bytes", [["x" * 65, OLD]], "65 bytes, more than 64"),
    refused("label not printable", [["line\nbreak", OLD]], "printable ASCII"),
    refused("more keys than the cap", [["a", "k-a"], ["b", "k-b"], ["c", "k-c"], ["d", "k-d"]], "at most 4 keys"),
]
for c in cases:  # no secret may appear in an error message
    c["secrets"] = sorted({c["secret"], *(k for _, k in c["verification_keys"] if k)})
doc = {"description": __doc__.strip().splitlines()[0], "project_id": PROJECT,
       "message": message("success", "sale", "success", code="0", op_id=9007199254740993),
       "max_keys": 4, "max_label_bytes": 64, "cases": cases}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(cases)} rotation cases")
