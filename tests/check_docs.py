#!/usr/bin/env python3
"""Checks the user documentation (README.md and docs/*.md) against the tree it describes.

- Every relative link resolves: the file or folder exists, and a #anchor names a heading of the
  target page as GitHub renders it (lowercase, punctuation dropped, spaces to hyphens, -1, -2...
  for repeats).
- Every subcommand (read off add_subcommand(...) in src/cli/) has a page docs/NAME.md or a
  heading that names `gpubench NAME`.
- README.md stays a front door: at most MAX_README_LINES lines.
- .ci/run runs the README's test command verbatim and installs every package the quick start
  installs.

Usage: check_docs.py ROOT        check the project at ROOT
       check_docs.py --self-test plant each kind of defect in a scratch copy and check it is caught
"""
import pathlib
import re
import shutil
import sys
import tempfile

MAX_README_LINES = 250
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
SUBCOMMAND = re.compile(r'add_subcommand\(\s*"([a-z][a-z0-9-]*)"')


def prose_lines(text):
    """(line number, line) outside fenced code blocks, with inline code spans blanked."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        marker = re.match(r"^\s*(```+|~~~+)", line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif marker.group(1)[0] == fence:
                fence = None
            continue
        if fence is None:
            yield number, re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def headings(text):
    """The heading texts of a markdown page (code spans kept: they are part of the title)."""
    fence = None
    for line in text.split("\n"):
        marker = re.match(r"^\s*(```+|~~~+)", line)
        if marker:
            fence = marker.group(1)[0] if fence is None else (None if marker.group(1)[0] == fence else fence)
            continue
        if fence is None:
            match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match:
                yield match.group(1)


def anchors(text):
    seen = {}
    result = set()
    for heading in headings(text):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def pages(root):
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


def link_problems(root):
    problems = []
    for page in pages(root):
        text = page.read_text(encoding="utf-8")
        for number, line in prose_lines(text):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                    continue
                path, _, anchor = target.partition("#")
                where = f"{page.relative_to(root)}:{number}: link '{target}'"
                dest = (page.parent / path).resolve() if path else page
                if not dest.exists():
                    problems.append(f"{where}: no such file")
                    continue
                if anchor and dest.suffix == ".md" and anchor not in anchors(dest.read_text(encoding="utf-8")):
                    problems.append(f"{where}: no heading with the anchor #{anchor} in {dest.name}")
    return problems


def subcommands(root):
    names = set()
    for source in sorted((root / "src" / "cli").glob("*.cpp")):
        names.update(SUBCOMMAND.findall(source.read_text(encoding="utf-8")))
    return sorted(names)


def subcommand_problems(root):
    titles = [h for page in pages(root) for h in headings(page.read_text(encoding="utf-8"))]
    problems = []
    for name in subcommands(root):
        named = re.compile(rf"\bgpubench {re.escape(name)}\b")
        if not (root / "docs" / f"{name}.md").exists() and not any(named.search(t) for t in titles):
            problems.append(f"subcommand '{name}' has no docs/{name}.md and no heading naming 'gpubench {name}'")
    if not subcommands(root):
        problems.append("no subcommands found in src/cli/ (add_subcommand(\"NAME\", ...))")
    return problems


def code_blocks(text):
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)


def readme_problems(root):
    text = (root / "README.md").read_text(encoding="utf-8")
    problems = []
    lines = text.count("\n")
    if lines > MAX_README_LINES:
        problems.append(f"README.md has {lines} lines, more than {MAX_README_LINES}: move reference text to docs/")
    blocks = code_blocks(text)
    if len(blocks) < 2:
        return problems + ["README.md: the quick start's two ```sh commands are missing"]
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    if blocks[1].strip() not in ci:
        problems.append(f".ci/run does not run the README's test command verbatim: {blocks[1].strip()}")
    install = re.search(r"apt-get install -y ([^&]*)", blocks[0])
    ci_installs = " ".join(re.findall(r"apt-get install -y( [^>\n]*)", ci)).split()
    for package in (install.group(1).split() if install else []):
        if package not in ci_installs:
            problems.append(f".ci/run does not install '{package}', which the README's quick start installs")
    return problems


def check(root):
    return link_problems(root) + subcommand_problems(root) + readme_problems(root)


def self_test():
    """Each planted defect must be reported; the untouched copy must pass."""
    source = pathlib.Path(__file__).resolve().parent.parent
    plants = {
        "a missing file": lambda r: append(r / "docs" / "install.md", "\nSee [gone](nowhere.md).\n"),
        "a missing anchor": lambda r: append(r / "README.md", "\nSee [x](docs/install.md#no-such-heading).\n"),
        "a missing page for a subcommand": lambda r: append(
            r / "src" / "cli" / "cmd_info.cpp", '\n// app.add_subcommand("frobnicate", "x");\n'),
        "a long README": lambda r: append(r / "README.md", "\n" * (MAX_README_LINES + 1)),
        "a CI that drifted from the README": lambda r: replace(
            r / ".ci" / "run", "cmake --workflow --preset asan", "cmake --workflow --preset cpu"),
    }
    failures = []
    for what, plant in [("nothing", lambda r: None)] + list(plants.items()):
        with tempfile.TemporaryDirectory() as scratch:
            root = pathlib.Path(scratch)
            shutil.copy(source / "README.md", root)
            shutil.copytree(source / "docs", root / "docs")
            shutil.copytree(source / "src" / "cli", root / "src" / "cli")
            shutil.copytree(source / ".ci", root / ".ci")
            for linked in ("bench", "src/output", "tests"):  # targets the pages link to
                (root / linked).parent.mkdir(parents=True, exist_ok=True)
                (root / linked).symlink_to(source / linked)
            plant(root)
            problems = check(root)
            if what == "nothing" and problems:
                failures.append("the unchanged tree is reported: " + "; ".join(problems))
            if what != "nothing" and not problems:
                failures.append(f"{what} is not reported")
    for failure in failures:
        print("check_docs self-test:", failure)
    return 1 if failures else 0


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: '{old}' not found"
    path.write_text(text.replace(old, new), encoding="utf-8")


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(pathlib.Path(argv[1]).resolve())
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
