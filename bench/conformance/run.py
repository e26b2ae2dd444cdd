#!/usr/bin/env python3
"""Run the language part of DTrace's own test suite against probity.

Reads the tests from a checkout of Oracle's dtrace-utils (the directory that
holds test/unittest); nothing of the suite is copied into this repository.
Only tests that need nothing but the dtrace provider (BEGIN, END, ERROR) and
tick probes are run: no CTF, no pid/fbt/syscall probes, no triggers, no
destructive actions. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import dataclasses
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

# Probe descriptions a test may use: the dtrace provider and tick-N.
ALLOWED_PROBE = re.compile(
    r"^(?:(?:dtrace)?:{1,3})?(?:BEGIN|END|ERROR)$"
    r"|^(?:(?:profile)?:{1,3})?tick-[0-9]+[a-z]*$")

# What needs the kernel's types, a process, or destructive actions.
EXCLUDED_CONSTRUCTS = [
    ("kernel symbol", re.compile(r"`")),
    ("CTF", re.compile(r"\b(curthread|curpsinfo|curlwpsinfo|curcpu|uregs|args\[|"
                       r"struct\s+(?!\w+\s*\{)\w+\s*\*|offsetof|xlate|translator|stringof|"
                       r"vmlinux|task_struct|cpuinfo_t|psinfo_t)\b")),
    ("user or kernel stack", re.compile(r"\b(ustack|jstack|stack|uaddr|usym|umod|ufunc|"
                                        r"sym|mod|func|ucaller|caller)\s*\(")),
    ("process memory", re.compile(r"\b(copyin|copyinstr|copyinto|copyout|copyoutstr|"
                                  r"tracemem|uregs)\b")),
    ("destructive action", re.compile(r"\b(system|raise|stop|panic|chill|breakpoint|"
                                      r"freopen)\s*\(|destructive")),
    ("$target or -c", re.compile(r"\$target|\$_pid|\bpid[0-9]*\$|\$pid\b")),
]


@dataclasses.dataclass
class Test:
    path: Path          # relative to the suite root, as runtest.sh runs it
    kind: str           # "positive" or "error"
    category: str       # the directory under test/unittest
    options: list[str]
    nosort: bool
    timeout: int
    expected: Path | None
    postprocessor: Path | None


@dataclasses.dataclass
class Outcome:
    test: Test
    passed: bool
    cause: str
    detail: str = ""
    seconds: float = 0.0


def strip_comments_and_strings(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\\n])*'", "''", text)
    return text


def probe_descriptions(source: str) -> list[str]:
    """The probe descriptions of each clause, read at brace depth 0."""
    text = strip_comments_and_strings(source)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    probes: list[str] = []
    depth = 0
    pending = ""
    index = 0
    while index < len(text):
        char = text[index]
        if depth == 0:
            if char in "{/":
                head = pending.strip()
                pending = ""
                if char == "/":
                    # A predicate: skip to its closing slash.
                    end = text.find("/", index + 1)
                    index = end if end >= 0 else len(text)
                    _collect(head, probes)
                    # The clause body that follows is skipped by the brace rule.
                    index += 1
                    continue
                if head and not re.match(r"^(struct|union|enum|inline|typedef|translator|provider)\b", head):
                    _collect(head, probes)
                depth = 1
            elif char == ";":
                pending = ""
            else:
                pending += char
        else:
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
        index += 1
    return probes


def _collect(head: str, probes: list[str]) -> None:
    # The last declaration-free part before the clause: after a ';' of a
    # declaration, or the whole text.
    for spec in head.split(","):
        spec = spec.strip()
        if spec:
            probes.append(spec)


def test_options(source: str, name: str) -> dict[str, str]:
    options = {}
    for match in re.finditer(r"@@([a-z-]+)(?:\s*:\s*([^\n]*?))?\s*(?:\*/|$)", source, flags=re.M):
        options[match.group(1)] = (match.group(2) or "").strip()
    return options


def select(suite: Path, only: re.Pattern | None) -> tuple[list[Test], collections.Counter]:
    root = suite / "test" / "unittest"
    if not root.is_dir():
        sys.exit(f"{suite}: no test/unittest here (give the directory that holds dtrace-utils' test/)")
    tests: list[Test] = []
    excluded: collections.Counter = collections.Counter()
    for path in sorted(root.rglob("*.d")):
        name = path.name
        if not (name.startswith("tst.") or name.startswith("err.")):
            continue
        relative = path.relative_to(suite)
        if only is not None and not only.search(str(relative)):
            continue
        kind = "positive" if name.startswith("tst.") else "error"
        base = path.with_suffix("")
        source = path.read_text(errors="replace")
        options = test_options(source, name)
        reason = exclusion(path, base, source, options, kind)
        if reason:
            excluded[f"{kind}: {reason}"] += 1
            continue
        expected = None
        for candidate in (Path(f"{base}.x86_64.r"), Path(f"{base}.r")):
            if candidate.is_file():
                expected = candidate
                break
        if kind == "positive" and expected is None:
            excluded[f"{kind}: no expected output (.r)"] += 1
            continue
        postprocessor = Path(f"{base}.r.p")
        opts = interpreter_options(source) + shlex.split(options.get("runtest-opts", ""))
        tests.append(Test(
            path=relative, kind=kind,
            category=str(path.parent.relative_to(root)),
            options=opts, nosort="nosort" in options,
            timeout=int(options.get("timeout", "0") or 0),
            expected=expected,
            postprocessor=postprocessor if os.access(postprocessor, os.X_OK) else None))
    return tests, excluded


def interpreter_options(source: str) -> list[str]:
    """The options of a '#!/usr/sbin/dtrace -qs' line, which runtest.sh runs
    as an executable: ['-q'] (the trailing s is the -s given anyway)."""
    first = source.split("\n", 1)[0]
    if not first.startswith("#!") or "dtrace" not in first:
        return []
    options = []
    for word in shlex.split(first[2:])[1:]:
        if word.startswith("-") and word.endswith("s"):
            word = word[:-1]
        if word not in ("", "-"):
            options.append(word)
    return options


def exclusion(path: Path, base: Path, source: str, options: dict[str, str], kind: str) -> str:
    for suffix, why in ((".sh", "run by a shell script"), (".c", "a C program"), (".t", "a trigger"),
                        (".x", "an environment check (.x)")):
        if Path(f"{base}{suffix}").exists():
            return why
    if "skip" in options:
        return "@@skip"
    if "xfail" in options and kind == "positive":
        return "@@xfail (fails on DTrace for Linux too)"
    trigger = options.get("trigger")
    if trigger is not None and trigger != "none":
        return "a trigger"
    runtest_opts = options.get("runtest-opts", "") + " " + " ".join(interpreter_options(source))
    if re.search(r"\$_pid|(^|\s)-[pcw]|-xdestructive|-Z", runtest_opts):
        return "a process or -Z"
    cleaned = strip_comments_and_strings(source)
    for why, pattern in EXCLUDED_CONSTRUCTS:
        if pattern.search(cleaned):
            return why
    probes = probe_descriptions(source)
    if kind == "positive" and not probes:
        return "no probe"
    for probe in probes:
        if not ALLOWED_PROBE.match(probe):
            # An error test may name a bad probe on purpose (tick-1ns); a
            # provider other than dtrace/profile is out of scope either way.
            if kind == "error" and re.match(r"^(?:(?:profile|dtrace)?:{1,3})?(tick|profile)-", probe):
                continue
            if kind == "error" and re.match(r"^(?:(?:dtrace)?:{1,3})?[A-Za-z_]+$", probe) \
                    and not re.match(r"^[a-z_]+$", probe):
                continue
            return "probes other than BEGIN/END/ERROR/tick"
    return ""


def normalise(text: str) -> str:
    # DTrace's testing mode (_DTRACE_TESTING) leaves the CPU and ID columns
    # out of "CPU ID FUNCTION:NAME"; the expected files are in that form.
    lines = []
    for line in text.split("\n"):
        if re.match(r"^CPU     ID {4}", line):
            line = line[11:]
        elif re.match(r"^[ 0-9]{2}[0-9] [ 0-9]{5}[0-9] ", line):
            line = line[11:]
        lines.append(line)
    text = "\n".join(lines)
    # The program's own name in its messages.
    text = re.sub(r"(?m)^probity: ", "dtrace: ", text)
    text = re.sub(r"(?m)^(?!==[0-9]+== )(.*)$",
                  lambda m: re.sub(r"0x[0-9a-f][0-9a-f]*", "{ptr}", m.group(1)), text)
    return re.sub(r"at BPF pc [1-9][0-9]*", "at BPF pc NNN", text)


def run_one(test: Test, suite: Path, probity: list[str], default_timeout: int) -> Outcome:
    timeout = max(test.timeout, default_timeout)
    command = probity + ["-s", str(test.path)] + test.options
    env = dict(os.environ, tst=str(test.path.with_suffix("")), LC_ALL="C")
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=suite, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
    seconds = time.monotonic() - started
    out = stdout.decode(errors="replace")
    err = stderr.decode(errors="replace")
    status = process.returncode
    if test.kind == "error":
        return judge_error(test, out, err, status, timed_out, seconds)
    return judge_positive(test, suite, out, err, status, timed_out, seconds)


def first_error(err: str) -> str:
    for line in err.splitlines():
        if "error" in line or "[D_" in line:
            return line.strip()
    return err.strip().splitlines()[0] if err.strip() else ""


def tag_of(text: str) -> str:
    match = re.search(r"\[(D_[A-Z0-9_]+)\]", text)
    return match.group(1) if match else ""


def judge_error(test: Test, out: str, err: str, status: int, timed_out: bool, seconds: float) -> Outcome:
    expected_tag = ""
    match = re.match(r"err\.(D_[A-Z0-9_]+)\.", test.path.name)
    if match:
        expected_tag = match.group(1)
    if timed_out:
        return Outcome(test, False, "accepted: ran until the timeout", seconds=seconds)
    if status == 0:
        return Outcome(test, False, "accepted: ran and exited 0", seconds=seconds)
    if status < 0:
        return Outcome(test, False, f"crashed (signal {-status})", first_error(err), seconds)
    got = tag_of(err)
    if expected_tag and got == expected_tag:
        cause = "refused with DTrace's tag"
    elif expected_tag and got:
        cause = "refused with another tag"
    elif status == 2:
        cause = "refused by the command line"
    else:
        cause = "refused"
    return Outcome(test, True, cause, first_error(err), seconds)


def judge_positive(test: Test, suite: Path, out: str, err: str, status: int, timed_out: bool,
                   seconds: float) -> Outcome:
    if timed_out:
        return Outcome(test, False, "timed out", first_error(err), seconds)
    if status != 0:
        tag = tag_of(err)
        if status == 2:
            return Outcome(test, False, "refused by the command line", first_error(err), seconds)
        if tag:
            return Outcome(test, False, f"refused: [{tag}]", first_error(err), seconds)
        if status < 0:
            return Outcome(test, False, f"crashed (signal {-status})", first_error(err), seconds)
        return Outcome(test, False, f"exit status {status}", first_error(err), seconds)
    got = out + (("-- @@stderr --\n" + err) if err else "")
    if test.postprocessor is not None:
        post = subprocess.run([str(test.postprocessor.resolve()), str(test.path.with_suffix(""))],
                              cwd=suite, input=got.encode(), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env=dict(os.environ, tst=str(test.path.with_suffix(""))))
        got = post.stdout.decode(errors="replace")
    got = normalise(got)
    expected = test.expected.read_text(errors="replace")
    order = (lambda lines: lines) if test.nosort else sorted
    if order(got.splitlines()) == order(expected.splitlines()):
        return Outcome(test, True, "same output", seconds=seconds)
    return Outcome(test, False, difference(got, expected, test.nosort), seconds=seconds, detail=first_diff(got, expected))


def difference(got: str, expected: str, nosort: bool) -> str:
    got_out, _, got_err = got.partition("-- @@stderr --\n")
    exp_out, _, exp_err = expected.partition("-- @@stderr --\n")
    squash = lambda text: re.sub(r"\s+", "", text)
    if sorted(got_out.splitlines()) == sorted(exp_out.splitlines()) or got_out == exp_out:
        return "stdout the same, stderr differs" if got_err != exp_err else "only the order differs"
    if squash(got_out) == squash(exp_out):
        return "only spacing differs (stdout)"
    if sorted(got_out.split()) == sorted(exp_out.split()):
        return "the same words, spacing or order differs"
    if not got_out.strip():
        return "printed nothing"
    return "content differs"


def first_diff(got: str, expected: str) -> str:
    got_lines, exp_lines = got.splitlines(), expected.splitlines()
    for number, (a, b) in enumerate(zip(got_lines, exp_lines), 1):
        if a != b:
            return f"line {number}: got {a!r}, expected {b!r}"
    if len(got_lines) != len(exp_lines):
        return f"got {len(got_lines)} lines, expected {len(exp_lines)}"
    return ""


def report(outcomes: list[Outcome], excluded: collections.Counter, verbose: bool) -> None:
    for kind in ("positive", "error"):
        mine = [o for o in outcomes if o.test.kind == kind]
        if not mine:
            continue
        passed = sum(o.passed for o in mine)
        print(f"\n== {kind} tests: {passed} of {len(mine)} pass ({100.0 * passed / len(mine):.1f}%)")
        by_category: dict[str, list[Outcome]] = collections.defaultdict(list)
        for o in mine:
            by_category[o.test.category].append(o)
        for category in sorted(by_category):
            group = by_category[category]
            print(f"  {category:<14} {sum(o.passed for o in group):4d} / {len(group)}")
        if kind == "error":
            causes = collections.Counter(o.cause for o in mine if o.passed)
            print("  refused how:")
            for cause, count in causes.most_common():
                print(f"    {count:4d}  {cause}")
        failures: dict[str, list[Outcome]] = collections.defaultdict(list)
        for o in mine:
            if not o.passed:
                failures[o.cause].append(o)
        if failures:
            print(f"  failures by cause:")
            for cause, group in sorted(failures.items(), key=lambda item: -len(item[1])):
                print(f"    {len(group):4d}  {cause}")
                for o in sorted(group, key=lambda o: str(o.test.path)):
                    name = str(o.test.path).removeprefix("test/unittest/")
                    print(f"            {name}" + (f"  -- {o.detail}" if verbose and o.detail else ""))
    if excluded:
        print("\n== not run (out of scope)")
        for reason, count in sorted(excluded.items()):
            print(f"  {count:4d}  {reason}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="the dtrace-utils checkout (holding test/unittest)")
    parser.add_argument("--probity", default="probity", help="the probity binary (default: from $PATH)")
    parser.add_argument("--only", help="run only tests whose path matches this regular expression")
    parser.add_argument("--kind", choices=("positive", "error", "all"), default="all")
    parser.add_argument("--jobs", "-j", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=15, help="seconds per test (default 15)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show the first differing line")
    parser.add_argument("--list", action="store_true", help="list the tests chosen and stop")
    parser.add_argument("--json", type=Path, help="also write every outcome to this file")
    args = parser.parse_args()

    suite = args.suite.resolve()
    tests, excluded = select(suite, re.compile(args.only) if args.only else None)
    if args.kind != "all":
        tests = [t for t in tests if t.kind == args.kind]
    if args.list:
        for test in tests:
            print(test.kind, test.path, " ".join(test.options))
        return 0
    probity = [str(Path(args.probity).resolve()) if os.sep in args.probity else args.probity]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda t: run_one(t, suite, probity, args.timeout), tests))
    report(outcomes, excluded, args.verbose)
    if args.json:
        args.json.write_text(json.dumps([
            {"test": str(o.test.path), "kind": o.test.kind, "passed": o.passed, "cause": o.cause,
             "detail": o.detail, "seconds": round(o.seconds, 2)} for o in outcomes], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
