#!/usr/bin/env python3
"""Validates gpubench results JSON against src/gpubench-results.schema.json with a real JSON
Schema validator (python3-jsonschema): a file from a real run of the binary, the golden sample and
the test fixtures. Also checks that the validator rejects broken documents, so this test can fail.

usage: validate_results_schema.py SCHEMA GPUBENCH_BINARY WORKDIR FILE...
"""
import copy
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    # CI installs it (.ci/run), so there a missing validator is a failure; elsewhere (the GPU
    # machine's Python, say) the test is skipped with the reason: exit 77 = ctest SKIP_RETURN_CODE.
    print("python3 module 'jsonschema' is missing: apt-get install python3-jsonschema")
    sys.exit(1 if os.environ.get("CI") else 77)


def strict_load(path):
    # NaN and Infinity are not JSON: refuse them instead of reading them as floats.
    def refuse(token):
        raise ValueError(f"{path}: '{token}' is not valid JSON")
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=refuse)


def main():
    schema_path, binary, workdir, *files = sys.argv[1:]
    schema = strict_load(schema_path)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    os.makedirs(workdir, exist_ok=True)
    out = os.path.join(workdir, "schema_run.json")
    # Every status appears: ok rows, an unsupported row (tf32 on the CPU), and the GPU backends'
    # rows (skipped without a GPU, measured with one).
    cmd = [binary, "matmul", "--sizes", "32,48x40x24", "--dtype", "fp32,tf32", "--backends", "all",
           "--threads", "1", "--min-time", "0.01", "--warmup", "1", "--quiet", "--output", out]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode not in (0, 3) or not os.path.exists(out):
        sys.exit(f"FAIL: {' '.join(cmd)} exited {run.returncode}\n{run.stdout}\n{run.stderr}")

    # A peak run: the results document with its search ("peak") and the derived summary.
    peak_out = os.path.join(workdir, "schema_peak.json")
    cmd = [binary, "peak", "--backends", "openblas", "--m-range", "32", "128", "32", "--n-range",
           "32", "128", "32", "--k-range", "32", "128", "32", "--budget", "2", "--threads", "1",
           "--quiet", "--output", peak_out]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0 or not os.path.exists(peak_out):
        sys.exit(f"FAIL: {' '.join(cmd)} exited {run.returncode}\n{run.stdout}\n{run.stderr}")
    if not strict_load(peak_out).get("peak"):
        sys.exit(f"FAIL: {peak_out} has no peak section")

    failures = 0
    for path in [out, peak_out, *files]:
        errors = sorted(validator.iter_errors(strict_load(path)), key=lambda e: list(e.path))
        for e in errors[:10]:
            print(f"FAIL: {path}: {'/'.join(map(str, e.path))}: {e.message}")
        failures += len(errors)
        print(f"{'ok  ' if not errors else 'FAIL'} {path}: {len(errors)} schema errors")

    # The validator must catch what matters, or the checks above prove nothing.
    good = strict_load(out)
    broken = {
        "status outside the enum": lambda d: d["records"][0].update(status="great"),
        "missing gflops": lambda d: d["records"][0].pop("gflops"),
        "string where a number belongs": lambda d: d["records"][0].update(gflops="fast"),
        "other schema_version": lambda d: d.update(schema_version=3),
        "burst without its rate": lambda d: d["records"][0].update(burst={"seconds": d["records"][0]["seconds"]}),
        "telemetry power as a string": lambda d: d["records"][0].update(telemetry={"mean_power_w": "high"}),
        "negative dimension": lambda d: d["records"][0]["shape"].update(m=-4),
    }
    peak_good = strict_load(peak_out)
    peak_broken = {
        "a peak phase outside the enum": lambda d: d["peak"][0]["points"][0].update(phase="guess"),
        "a peak search without points": lambda d: d["peak"][0].pop("points"),
        "a negative grid step": lambda d: d["peak"][0]["grid"]["m"].update(step=-1),
    }
    for what, breaks in peak_broken.items():
        doc = copy.deepcopy(peak_good)
        breaks(doc)
        if validator.is_valid(doc):
            print(f"FAIL: the schema accepts a document with {what}")
            failures += 1
    for what, breaks in broken.items():
        doc = copy.deepcopy(good)
        breaks(doc)
        if validator.is_valid(doc):
            print(f"FAIL: the schema accepts a document with {what}")
            failures += 1
    nan_file = os.path.join(workdir, "schema_nan.json")
    with open(nan_file, "w", encoding="utf-8") as f:
        f.write('{"gflops": NaN}')
    try:
        strict_load(nan_file)
        print("FAIL: NaN was accepted")
        failures += 1
    except ValueError:
        pass
    # The real file holds no NaN/Infinity (strict_load above would have raised).
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
