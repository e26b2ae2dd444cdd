#!/usr/bin/env python3
"""Check catalogue/data/providers/syscalls.yaml against the live kernel.

Independent of generate.py: parses the YAML and the tracefs format files
itself and fails if any live event or field is undocumented, if anything
documented does not exist, or if a description is empty.
"""

import sys
from pathlib import Path

import yaml

EVENTS = Path(sys.argv[1] if len(sys.argv) > 1 else "/sys/kernel/tracing/events/syscalls")
DOC = Path(__file__).resolve().parents[2] / "data" / "providers" / "syscalls.yaml"


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
    problems = []
    if doc.get("provider") != "syscalls":
        problems.append("provider is not 'syscalls'")
    if not str(doc.get("description", "")).strip():
        problems.append("provider description is empty")
    events = doc.get("events") or {}
    for event, fields in live.items():
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
                problems.append(f"{event}.{field}: documented but not in the live format file")
    for event in events:
        if event not in live:
            problems.append(f"{event}: documented but not in the live kernel")
    field_count = sum(len(f) for f in live.values())
    for problem in problems:
        print(problem)
    print(f"{len(live)} live events, {field_count} live fields, {len(events)} documented events, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
