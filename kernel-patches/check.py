#!/usr/bin/env python3
"""Judges the serial console log of the test guest (see test.sh).

Usage: check.py SERIAL_LOG CATALOGUE_DATA_DIR
Prints one PASS or FAIL line per check and exits 1 if any check failed.
The expected levels come from the catalogue's provider YAML (what the
catalogue declares) and from the example module's header, never from the
kernel under test.
"""
import re
import sys

import yaml

ANNOTATED = ["sched", "signal", "task", "block", "irq", "raw_syscalls"]
# What kernel-patches/example-provider/probity_example_trace.h declares.
EXAMPLE = {
    "probity_example_request": ("Stable", "Stable", "Common"),
    "probity_example_debug": ("Private", "Private", "Platform"),
    "probity_example_reset": ("Evolving", "Evolving", "Common"),
}

results = []


def check(ok, what, detail=""):
    results.append(bool(ok))
    print(("PASS" if ok else "FAIL") + ": " + what + (" -- " + detail if detail and not ok else ""))


def catalogue_expectations(data_dir):
    """(name, data, class) per annotated event: provider default, event override."""
    expected = {}
    for system in ANNOTATED:
        with open(f"{data_dir}/providers/{system}.yaml") as f:
            doc = yaml.safe_load(f)
        base = doc["stability"]
        default = (base["name"], base["data"], base["class"])
        overrides = {}
        for event, event_doc in (doc.get("events") or {}).items():
            stab = (event_doc or {}).get("stability") or {}
            overrides[event] = (stab.get("name", default[0]), stab.get("data", default[1]),
                                stab.get("class", default[2]))
        expected[system] = (default, overrides)
    return expected


def main():
    log_path, data_dir = sys.argv[1], sys.argv[2]
    with open(log_path, errors="replace") as f:
        lines = [line.rstrip("\r\n") for line in f]
    # Console control sequences (the firmware clears the screen) may precede a tag.
    lines = [line[line.index("@@ "):] if "@@ " in line else line for line in lines]
    tagged = [line[3:] for line in lines if line.startswith("@@ ")]
    expected = catalogue_expectations(data_dir)

    boot = [t for t in tagged if t.startswith("boot ")]
    check(bool(boot), "the patched kernel boots and runs the test init",
          "no '@@ boot' line on the serial console")
    done = any(t.startswith("done ") for t in tagged)
    check(done, "the guest ran every step to the end", "no '@@ done' line (timeout or crash?)")
    if not boot:
        return

    declared = {}
    undeclared = set()
    for t in tagged:
        m = re.match(r"stability (\S+):(\S+) name: (\S+) data: (\S+) class: (\S+)\s*$", t)
        if m:
            declared[(m[1], m[2])] = (m[3], m[4], m[5])
            continue
        m = re.match(r"nostability (\S+):(\S+)$", t)
        if m:
            undeclared.add((m[1], m[2]))

    for system in ANNOTATED:
        default, overrides = expected[system]
        events = sorted({e for (s, e) in [*declared, *undeclared] if s == system})
        if not events:
            check(False, f"{system}: events present in tracefs", "no event of this system in the guest")
            continue
        wrong = []
        for event in events:
            want = overrides.get(event, default)
            got = declared.get((system, event))
            if got != want:
                wrong.append(f"{event}: {got or 'no stability file'} != catalogue {want}")
        check(not wrong, f"{system}: events/{system}/*/stability of all {len(events)} events "
              f"match the catalogue", "; ".join(wrong[:5]))

    strays = sorted(f"{s}:{e}" for (s, e) in declared
                    if s not in ANNOTATED and s != "probity_example")
    others = sorted({s for (s, e) in undeclared if s not in ANNOTATED and s != "probity_example"})
    check(not strays and bool(others), f"undeclared events have no stability file "
          f"({len([k for k in undeclared if k[0] in others])} events of {len(others)} other systems)",
          "stability files on " + ", ".join(strays[:5]) if strays else "no other system seen")

    check("insmod rc=0" in tagged, "the example module loads",
          next((t for t in tagged if t.startswith("insmod")), "no insmod line"))
    for event, want in EXAMPLE.items():
        got = declared.get(("probity_example", event))
        check(got == want, f"probity_example:{event} shows its declared stability {'/'.join(want)}",
              f"got {got or 'no stability file'}")
    trace = [t[len("trace "):] for t in tagged if t.startswith("trace ")]
    for pattern in (r"probity_example_request: id=7 bytes=3584", r"probity_example_debug: id=7 state=0xc0ffee",
                    r"probity_example_reset: id=7"):
        check(any(re.search(pattern, t) for t in trace), f"example event fires: {pattern}",
              f"trace had {trace[:3]}")

    harvest_rc = next((t for t in tagged if t.startswith("harvest rc=")), "harvest missing")
    check(harvest_rc.startswith("harvest rc=0"), "probity catalogue harvest succeeds in the guest",
          harvest_rc + " " + " | ".join(t for t in tagged if t.startswith("harvest-log"))[:400])
    snapshot = None
    try:
        begin = lines.index("@@ harvest-begin")
        end = lines.index("@@ harvest-end")
        snapshot = yaml.safe_load("\n".join(lines[begin + 1:end]))
    except (ValueError, yaml.YAMLError) as error:
        check(False, "the harvested snapshot is readable YAML", str(error))
    if snapshot:
        release = boot[0].split()[1]
        check(snapshot.get("release") == release, f"the snapshot is of the guest's release {release}",
              f"release {snapshot.get('release')}")
        mismatches = []
        compared = 0
        for (system, event), want in declared.items():
            compared += 1
            stab = ((snapshot.get("events") or {}).get(system) or {}).get(event, {}).get("stability")
            got = (stab.get("name"), stab.get("data"), stab.get("class")) if stab else None
            if got != want:
                mismatches.append(f"{system}:{event}: {got} != tracefs {want}")
        for system, event in undeclared:
            if (((snapshot.get("events") or {}).get(system) or {}).get(event) or {}).get("stability"):
                mismatches.append(f"{system}:{event}: stability in snapshot without a file")
        check(not mismatches and compared > 0,
              f"the snapshot records the kernel-declared stability of all {compared} declaring events "
              "and none for the others", "; ".join(mismatches[:5]))

    index_rc = next((t for t in tagged if t.startswith("index rc=")), "index missing")
    check(index_rc.startswith("index rc=0"), "probity catalogue build indexes the guest's snapshot",
          index_rc + " " + " | ".join(t for t in tagged if t.startswith("index-log"))[:600])

    listing_want = {
        "sched:sched_switch": ("Stable", "Stable", "Common"),
        "sched:sched_stat_runtime": ("Unstable", "Unstable", "Common"),
        "irq:tasklet_entry": ("Evolving", "Evolving", "Common"),
        "raw_syscalls:sys_enter": ("Stable", "Stable", "Common"),
        "probity_example:probity_example_debug": EXAMPLE["probity_example_debug"],
    }
    for probe, want in listing_want.items():
        try:
            begin = lines.index(f"@@ list-begin {probe}")
            end = next(i for i in range(begin, len(lines)) if lines[i].startswith(f"@@ list-end {probe}"))
        except (ValueError, StopIteration):
            check(False, f"probity -lv {probe} ran", "no output")
            continue
        text = "\n".join(lines[begin + 1:end])
        got = []
        for label in ("Identifier Names", "Data Semantics", "Dependency Class"):
            m = re.search(label + r":\s+(\S+)\s+\((\w+)\)", text)
            got.append((m[1], m[2]) if m else None)
        ok = got == [(level, "kernel") for level in want]
        check(ok, f"probity -lv {probe}: {'/'.join(want)}, each attribute from the kernel",
              f"got {got}; output: {text[:300]}")


if __name__ == "__main__":
    main()
    sys.exit(0 if results and all(results) else 1)
