#!/usr/bin/env python3
"""Check catalogue/data/providers/syscalls.yaml against the live kernel.

Independent of generate.py: parses the YAML and the tracefs format files
itself and fails if any live event or field, or any of a committed snapshot
(catalogue/data/kernels), is undocumented, if anything documented exists in
none of them, or if a description is empty.
"""

import sys
from pathlib import Path

import yaml

EVENTS = Path(sys.argv[1] if len(sys.argv) > 1 else "/sys/kernel/tracing/events/syscalls")
DOC = Path(__file__).resolve().parents[2] / "data" / "providers" / "syscalls.yaml"
KERNELS = Path(__file__).resolve().parents[2] / "data" / "kernels"


def snapshot_layouts():
    """Every syscalls event and field of the committed snapshots (kernels/*.yaml)."""
    layout = {}
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    for snapshot in sorted(KERNELS.glob("*.yaml")):
        events = (yaml.load(snapshot.read_text(), Loader=loader).get("events") or {}).get("syscalls") or {}
        for event, body in events.items():
            fields = layout.setdefault(event, [])
            fields += [f["name"] for f in body.get("fields") or [] if f["name"] not in fields]
    return layout


def live_layout():
    layout = {}
    for event_dir in sorted(EVENTS.iterdir()):
        if not event_dir.is_dir():
            continue
        fields = []
        for line in (event_dir / "format").read_text().splitlines():
            line = line.strip()
            if line.startswith("field:"):
                declaration = line[len("field:"):].split(";")[0]
                name = declaration.replace("*", " ").split()[-1]
                if not name.startswith("common_"):
                    fields.append(name)
        layout[event_dir.name] = fields
    return layout


def main():
    doc = yaml.safe_load(DOC.read_text())
    live = live_layout()
    catalogued = snapshot_layouts()
    for event, fields in live.items():
        catalogued.setdefault(event, [])
        catalogued[event] += [f for f in fields if f not in catalogued[event]]
    problems = []
    if doc.get("provider") != "syscalls":
        problems.append("provider is not 'syscalls'")
    if not str(doc.get("description", "")).strip():
        problems.append("provider description is empty")
    events = doc.get("events") or {}
    for event, fields in catalogued.items():
        if event not in events:
            problems.append(f"{event}: not documented")
            continue
        documented = events[event].get("fields") or {}
        if not str(events[event].get("description", "")).strip():
            problems.append(f"{event}: empty description")
        for field in fields:
            text = str((documented.get(field) or {}).get("description", "")).strip()
            if not text:
                problems.append(f"{event}.{field}: not documented")
        for field in documented:
            if field not in fields:
                problems.append(f"{event}.{field}: documented but in no format file or snapshot")
    for event in events:
        if event not in catalogued:
            problems.append(f"{event}: documented but not in the live kernel or any snapshot")
    field_count = sum(len(f) for f in live.values())
    for problem in problems:
        print(problem)
    print(f"{len(live)} live events, {field_count} live fields, {len(events)} documented events, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
