#!/usr/bin/env python3
"""Fails when a file includes a header of a higher layer (docs/architecture.md).

Layers, lowest first: core < platform < backends < measure < analysis < output < cli. A file's
layer is its folder: src/<layer>/... or include/gpubench/<layer>/... (src/backends/cuda/ and
kernels/ are backends). Besides the order, printers (output/) read Results and Analysis only, so
output/ may not include measure/ or backends/ headers at all. What gpubench knows of a library
(its names, what it calls the choice it made, how its versions read) lives in its provider: no
string literal outside backends/ names one (OpenBLAS, BLIS, MKL, cuBLAS, cuBLASLt, CUDA, cudart).

Usage: check_layers.py ROOT        check the tree at ROOT
       check_layers.py --self-test check that planted violations are caught
"""
import os
import re
import sys
import tempfile

LAYERS = ["core", "platform", "backends", "measure", "analysis", "output", "cli"]
FORBIDDEN = {"output": {"measure", "backends"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]gpubench/([^">]+)[">]', re.M)
# Binding command-line options is the cli layer's job alone.
CLI11 = re.compile(r'^\s*#\s*include\s*[<"]CLI/', re.M)
SOURCE = re.compile(r"\.(c|cc|cpp|cu|cuh|h|hpp)$")
# A library's name as a word ("published" is no BLIS; "cuda_driver_version" names CUDA).
LIBRARY = re.compile(r"(?<![a-z])(openblas|blis|mkl|cublas(?:lt)?|cudart|cuda)(?![a-z])", re.I)
# Comments, string literals and character literals, in the order they come.
TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)


def library_literals(text):
    """(line, literal) for each string literal naming a library; comments do not count."""
    for m in TOKEN.finditer(text):
        token = m.group(0)
        if token.startswith('"') and LIBRARY.search(token):
            yield text.count("\n", 0, m.start()) + 1, token


def layer_of(rel):
    parts = rel.split("/")
    if parts[0] == "kernels":
        return "backends"
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    if parts[:2] == ["include", "gpubench"] and len(parts) > 3:
        return parts[2]
    return None


def check(root):
    problems = []
    for top in ("src", "include", "kernels"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not SOURCE.search(name):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                own = layer_of(rel)
                if own not in LAYERS:
                    problems.append(f"{rel}: not in a layer folder ({', '.join(LAYERS)})")
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if own != "backends":
                    for line, literal in library_literals(text):
                        problems.append(f"{rel}:{line}: {own}/ names a library in {literal}: what "
                                        f"gpubench knows of a library belongs to its provider "
                                        f"(backends/)")
                if own != "cli":
                    for m in CLI11.finditer(text):
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(f"{rel}:{line}: {own}/ includes CLI11: binding options "
                                        f"belongs to cli/")
                for m in INCLUDE.finditer(text):
                    target = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    used = target.split("/")[0] if "/" in target else None
                    if used not in LAYERS:
                        problems.append(f"{rel}:{line}: gpubench/{target} is not in a layer folder")
                    elif LAYERS.index(used) > LAYERS.index(own):
                        problems.append(f"{rel}:{line}: {own}/ includes {used}/ (gpubench/{target}),"
                                        f" a higher layer")
                    elif used in FORBIDDEN.get(own, ()):
                        problems.append(f"{rel}:{line}: {own}/ may not include {used}/ "
                                        f"(gpubench/{target}): printers read Results + Analysis")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        def put(rel, text):
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        put("include/gpubench/core/a.hpp", '#include "gpubench/core/b.hpp"\n')
        put("src/measure/ok.cpp", '#include "gpubench/backends/x.hpp"\n#include <vector>\n')
        # Library names: in comments, inside other words and in backends/ they are fine.
        put("src/output/mention.cpp", '// OpenBLAS picks a core\nconst char* s = "published";\n'
                                      "/* cuBLAS */ char q = '\"'; const char* t = \"ok\";\n")
        put("src/backends/lib.cpp", 'const char* n = "OpenBLAS";\n')
        put("include/gpubench/backends/lib.hpp", 'inline const char* n = "cublas";\n')
        put("kernels/k.cu", 'const char* n = "CUDA";\n')
        assert check(root) == [], check(root)
        put("src/core/up.cpp", '#include "gpubench/analysis/verdict.hpp"\n')
        put("src/output/peek.cpp", '#include "gpubench/measure/runner.hpp"\n')
        put("src/stray.cpp", "int x;\n")
        put("src/cli/flat.cpp", '#include "gpubench/record.hpp"\n')
        put("src/output/opts.cpp", '#include <CLI/CLI.hpp>\n')
        put("src/cli/names.cpp", '// fine\nconst char* a = "x", *b = "load the BLIS config";\n')
        put("include/gpubench/core/rt.hpp", 'int v = 0;\nconst char* k = "cuda_driver_version";\n')
        found = "\n".join(check(root))
        for needle in ("src/core/up.cpp:1: core/ includes analysis/", "src/output/peek.cpp:1",
                       "src/stray.cpp: not in a layer folder", "gpubench/record.hpp is not in",
                       "src/output/opts.cpp:1: output/ includes CLI11",
                       'src/cli/names.cpp:2: cli/ names a library in "load the BLIS config"',
                       'include/gpubench/core/rt.hpp:2: core/ names a library'):
            assert needle in found, f"self-test: expected '{needle}' in:\n{found}"
        for clean in ("mention.cpp", "lib.cpp", "lib.hpp", "k.cu"):
            assert clean not in found, f"self-test: '{clean}' reported:\n{found}"
    print("check_layers self-test: planted violations caught")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s)")
        return 1
    print("layers: every include looks down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
