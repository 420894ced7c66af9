#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""
Checks docs/policy.schema.json against the C validator (stockade check), so
that the schema editors and CI use says what stockade says. Prints TAP.

- Every policy stockade accepts (examples/, packaging/policy.d/, the fuzz
  corpus, tests/fixtures/policy/valid/) is valid under the schema.
- Every case in tests/fixtures/policy/schema-invalid.jsonl is rejected by
  both: these are the errors a schema can express (unknown key or name,
  wrong type, bad path, missing key).
- Every case in tests/fixtures/policy/check-only.jsonl is rejected by
  stockade check but valid under the schema: what only stockade checks
  (duplicates, conflicts, CIDR host bits, port ranges). A case that moves
  from here to schema-invalid.jsonl is fine; one that stockade accepts is not.
- The schema's lists of names are exactly the C tables in policy/ops.c.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.chdir(ROOT)
OUTPUT = os.environ.get("OUTPUT", "build")
STOCKADE = os.path.join(OUTPUT, "bin", "stockade")
FIXTURES = "tests/fixtures/policy"

results = []


def ok(good, name, detail=""):
    results.append((good, name, detail))


def check_accepts(path):
    """stockade check's verdict: (accepted, its stderr)."""
    r = subprocess.run([STOCKADE, "check", path], capture_output=True, text=True)
    return r.returncode == 0, r.stderr.strip()


def schema_errors(validator, doc):
    return [e.message for e in validator.iter_errors(doc)]


def cases(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                case = json.loads(line)
                yield "%s:%d %s" % (name, n, case["why"]), case["policy"]


def c_words(array):
    """The strings of a `const char *const <array>[...] = { ... };` in policy/ops.c."""
    with open("policy/ops.c", encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"\b%s\[[^]]*\] = \{(.*?)\};" % re.escape(array), src, re.S)
    if not m:
        return None
    body = m.group(1)
    caps = re.findall(r"CAP_WORD\((\w+)\)", body)
    return caps if caps else re.findall(r'"([^"]*)"', body)


def main():
    with open("docs/policy.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
        ok(True, "docs/policy.schema.json is a valid JSON Schema")
    except jsonschema.SchemaError as e:
        ok(False, "docs/policy.schema.json is a valid JSON Schema", e.message)
        return
    validator = cls(schema)

    for array, ref in (("stk_cap_words", "capability"), ("stk_kernel_op_words", "kernel_op"),
                       ("stk_sock_words", "socket_kind")):
        words = c_words(array)
        ok(words == schema["$defs"][ref]["enum"],
           "$defs/%s lists policy/ops.c %s, in order" % (ref, array),
           "C: %s" % words)

    files = sorted(glob.glob("examples/*.json") + glob.glob("packaging/policy.d/*.json") +
                   glob.glob("tests/fuzz/corpus/policy/*.json") +
                   glob.glob(FIXTURES + "/valid/*.json"))
    for path in files:
        accepted, err = check_accepts(path)
        must = path.startswith(FIXTURES) or not path.startswith("tests/fuzz")
        if not accepted:
            # The fuzz corpus holds broken inputs on purpose.
            if must:
                ok(False, "%s: stockade check accepts it" % path, err)
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errs = schema_errors(validator, doc)
        ok(not errs, "%s: accepted by stockade check and the schema" % path, "; ".join(errs))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "case.json")
        for name, doc in cases("schema-invalid.jsonl"):
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f)
            accepted, _ = check_accepts(path)
            errs = schema_errors(validator, doc)
            ok(not accepted and errs, "%s: rejected by stockade check and the schema" % name,
               "stockade check %s, schema %s" % ("accepts" if accepted else "rejects",
                                                  "rejects" if errs else "accepts"))
        for name, doc in cases("check-only.jsonl"):
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f)
            accepted, _ = check_accepts(path)
            errs = schema_errors(validator, doc)
            ok(not accepted and not errs,
               "%s: rejected by stockade check only" % name,
               "stockade check %s; schema: %s" % ("accepts" if accepted else "rejects",
                                                  "; ".join(errs) or "valid"))


if __name__ == "__main__":
    if not os.access(STOCKADE, os.X_OK):
        print("1..1\nnot ok 1 - %s is built (make)" % STOCKADE)
        sys.exit(1)
    main()
    print("1..%d" % len(results))
    for i, (good, name, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, name))
        if not good and detail:
            print("#   " + detail)
    sys.exit(0 if all(r[0] for r in results) else 1)
