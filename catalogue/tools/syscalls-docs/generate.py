#!/usr/bin/env python3
"""Generate catalogue/data/providers/syscalls.yaml.

Joins the live tracefs format files of the `syscalls` provider with the
hand-curated tables in tables/ and writes the provider documentation.
Fails (exit status 1, listing every gap) when a system call or one of its
arguments has no description, so a new kernel's additions are noticed.
See README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TABLES = HERE / "tables"
DEFAULT_EVENTS = Path("/sys/kernel/tracing/events/syscalls")
DEFAULT_OUTPUT = HERE.parent.parent / "data" / "providers" / "syscalls.yaml"
DEFAULT_SNAPSHOTS = HERE.parent.parent / "data" / "kernels"

FIELD_LINE = re.compile(r"^\s*field:(?P<decl>[^;]*);\s*offset:\d+;\s*size:\d+;")
KNOWN_ENTRY_KEYS = {
    "does", "man", "ret", "args", "groups", "enter_note", "exit_note",
    "since", "obsolete", "private", "hazard", "layout_changes",
}


class GenerationError(Exception):
    pass


@dataclass(frozen=True)
class Syscall:
    name: str
    args: tuple[str, ...]


# --------------------------------------------------------------------------
# Reading the live kernel


def field_names(format_file: Path) -> list[str]:
    """The event's own field names, in order (common_* fields excluded)."""
    names = []
    for line in format_file.read_text().splitlines():
        match = FIELD_LINE.match(line)
        if not match:
            continue
        decl = match.group("decl").strip()
        name = re.split(r"[\s*]+", decl.split("[")[0].strip())[-1]
        if not name.startswith("common_"):
            names.append(name)
    return names


def read_live_syscalls(events_dir: Path) -> list[Syscall]:
    if not events_dir.is_dir():
        raise GenerationError(
            f"{events_dir}: not a directory (mount tracefs: "
            "mount -t tracefs nodev /sys/kernel/tracing)")
    problems = []
    syscalls = []
    for enter_dir in sorted(events_dir.glob("sys_enter_*")):
        name = enter_dir.name[len("sys_enter_"):]
        exit_dir = events_dir / f"sys_exit_{name}"
        enter_fields = field_names(enter_dir / "format")
        if not exit_dir.is_dir():
            problems.append(f"{exit_dir}: missing (sys_enter_{name} has no exit event)")
            continue
        exit_fields = field_names(exit_dir / "format")
        if not enter_fields or enter_fields[0] != "__syscall_nr":
            problems.append(f"{enter_dir}/format: first field is not __syscall_nr")
        if exit_fields != ["__syscall_nr", "ret"]:
            problems.append(f"{exit_dir}/format: fields {exit_fields}, expected __syscall_nr, ret")
        syscalls.append(Syscall(name, tuple(enter_fields[1:])))
    for exit_dir in sorted(events_dir.glob("sys_exit_*")):
        if not (events_dir / f"sys_enter_{exit_dir.name[len('sys_exit_'):]}").is_dir():
            problems.append(f"{exit_dir}: has no matching sys_enter_ event")
    if problems:
        raise GenerationError("unexpected layout:\n  " + "\n  ".join(problems))
    if not syscalls:
        raise GenerationError(f"{events_dir}: no sys_enter_* events")
    return syscalls


def read_snapshot_syscalls(kernels_dir: Path) -> dict[str, tuple[str, ...]]:
    """System calls of the committed snapshots (kernels/*.yaml): the docs must
    cover every catalogued release, not only the running kernel."""
    found: dict[str, tuple[str, ...]] = {}
    if not kernels_dir.is_dir():
        return found
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every scalar a string: "off" stays "off"
    for snapshot in sorted(kernels_dir.glob("*.yaml")):
        with snapshot.open() as stream:
            events = (yaml.load(stream, Loader=loader).get("events") or {}).get("syscalls") or {}
        for event, body in events.items():
            if not event.startswith("sys_enter_"):
                continue
            names = [field["name"] for field in body.get("fields") or []]
            if names[:1] == ["__syscall_nr"]:
                names = names[1:]
            name = event[len("sys_enter_"):]
            merged = list(found.get(name, ()))
            merged += [arg for arg in names if arg not in merged]
            found[name] = tuple(merged)
    return found


def merge_syscalls(live: list[Syscall], snapshots: dict[str, tuple[str, ...]]) -> list[Syscall]:
    """The live system calls plus those only the snapshots have; an argument a
    snapshot has and the live kernel lacks is kept too."""
    merged = {call.name: list(call.args) for call in live}
    for name, args in snapshots.items():
        current = merged.setdefault(name, [])
        current += [arg for arg in args if arg not in current]
    return [Syscall(name, tuple(args)) for name, args in sorted(merged.items())]


# --------------------------------------------------------------------------
# Tables


def load_table(name: str) -> dict:
    path = TABLES / name
    with path.open() as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict):
        raise GenerationError(f"{path}: expected a mapping at the top level")
    return data


def expand_arg_text(text: str) -> str:
    """Expands the shorthand prefixes used in the argument tables."""
    text = " ".join(text.split())
    no_deref = "Only the address is recorded: Probity cannot read user memory."
    if text.startswith("path: "):
        return (f"User-space address of the NUL-terminated path name of "
                f"{text[6:]}. Only the address is recorded, not the string: "
                f"Probity cannot read user memory.")
    if text.startswith("ptr: "):
        return f"User-space address of {text[5:]}. {no_deref}"
    if text.startswith("out: "):
        return (f"User-space address of the buffer that receives {text[5:]}. "
                f"{no_deref} The kernel fills it in after this event.")
    return text


def describe_arg(call: str, arg: str, entry: dict, common: dict):
    """Returns (description, stability) or None when nothing describes it."""
    sources = [entry.get("args") or {}]
    for group in entry.get("groups") or []:
        if group not in common["groups"]:
            raise GenerationError(f"tables/syscalls.yaml: {call}: unknown group {group!r}")
        sources.append(common["groups"][group])
    sources.append(common["args"])
    for source in sources:
        if arg in source:
            value = source[arg]
            if isinstance(value, dict):
                return expand_arg_text(value["description"]), value.get("stability")
            return expand_arg_text(value), None
    return None


def sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(".") else text + "."


def event_stability(call: str, entry: dict, provider: dict):
    if "private" in entry:
        return {"name": "Private", "data": "Private",
                "rationale": " ".join(entry["private"].split())}
    if "obsolete" in entry:
        return {"name": "Obsolete", "data": "Obsolete",
                "rationale": ("Kept on x86_64 only for compatibility with old "
                              f"programs; superseded by {' '.join(entry['obsolete'].split())}")}
    if "since" in entry:
        template = provider["new_syscall_rationale"]
        return {"name": "Evolving", "data": "Evolving",
                "rationale": " ".join(template.format(since=entry["since"]).split())}
    return None


def build(syscalls: list[Syscall]) -> dict:
    provider = load_table("provider.yaml")
    common = load_table("common-args.yaml")
    table = load_table("syscalls.yaml")
    numbers = load_table("numbers-x86_64.yaml")

    missing = []
    live_names = {s.name for s in syscalls}
    events = {}
    for call in syscalls:
        entry = table.get(call.name)
        if entry is None:
            missing.append(f"{call.name}: no entry in tables/syscalls.yaml")
            continue
        gaps_before = len(missing)
        unknown = set(entry) - KNOWN_ENTRY_KEYS
        if unknown:
            missing.append(f"{call.name}: unknown keys {sorted(unknown)}")
        for key in ("does", "ret"):
            if not entry.get(key):
                missing.append(f"{call.name}: no '{key}'")
        stale = set(entry.get("args") or {}) - set(call.args)
        if stale:
            missing.append(f"{call.name}: table describes arguments the kernel does not have: {sorted(stale)}")
        if call.name not in numbers:
            missing.append(f"{call.name}: no number in tables/numbers-x86_64.yaml")

        arg_docs = {}
        for arg in call.args:
            described = describe_arg(call.name, arg, entry, common)
            if described is None:
                missing.append(f"{call.name}: argument '{arg}' has no description")
            else:
                arg_docs[arg] = described
        if len(missing) > gaps_before:
            continue

        does = " ".join(entry["does"].split()).rstrip(".")
        man = entry.get("man", call.name)
        title = f"{call.name}(2)" if man == call.name else f"{call.name}, documented as {man}(2),"
        stability = event_stability(call.name, entry, provider)
        hazard = entry.get("hazard")
        nr_doc = " ".join(provider["syscall_nr"].format(nr=numbers[call.name]).split())

        enter_fields = {"__syscall_nr": {"description": nr_doc}}
        for arg, (text, field_stability) in arg_docs.items():
            enter_fields[arg] = {"description": text}
            if field_stability:
                enter_fields[arg]["stability"] = field_stability
        fires = provider["enter_fires" if call.args else "enter_fires_no_args"]
        enter_text = f"Entry to {title}: {does}. " + " ".join(fires.split())
        if entry.get("enter_note"):
            enter_text += " " + sentence(entry["enter_note"])
        exit_text = (f"Return from {title}: {does}. "
                     + " ".join(provider["exit_fires"].split()))
        if entry.get("exit_note"):
            exit_text += " " + sentence(entry["exit_note"])
        ret_text = entry["ret"]
        ret_text = common["returns"].get(ret_text, ret_text)

        for event, text, fields in (
            (f"sys_enter_{call.name}", enter_text, enter_fields),
            (f"sys_exit_{call.name}", exit_text,
             {"__syscall_nr": {"description": nr_doc},
              "ret": {"description": sentence(ret_text)}}),
        ):
            doc = {"description": text}
            if stability:
                doc["stability"] = stability
            if hazard:
                doc["hazard"] = hazard
            doc["fields"] = fields
            if entry.get("layout_changes"):
                doc["layout_changes"] = entry["layout_changes"]
            events[event] = doc

    unused = sorted(set(table) - live_names)
    if missing:
        raise GenerationError(
            f"{len(missing)} gap(s) between the live kernel and the tables:\n  "
            + "\n  ".join(missing))
    return normalize({
        "provider": "syscalls",
        "description": " ".join(provider["description"].split()),
        "stability": provider["stability"],
        "references": provider["references"],
        "events": events,
    }), unused


def normalize(value):
    """Collapses every string to single-spaced text on one line."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return " ".join(value.split()) if isinstance(value, str) else value


# --------------------------------------------------------------------------
# Writing plain, deterministic YAML in the catalogue's style

PLAIN_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .,()/'+-]*$")


def scalar(text: str, indent: int, width: int = 78) -> str:
    if len(text) + indent > width - 16 or "\n" in text:
        body = textwrap.wrap(text, width=width - indent - 2, break_long_words=False,
                             break_on_hyphens=False)
        pad = " " * (indent + 2)
        return ">\n" + "\n".join(pad + line for line in body)
    plain = PLAIN_SAFE.match(text) or (
        PLAIN_SAFE.match(text.replace(":", "")) and ": " not in text and not text.endswith(":"))
    if plain and text.lower() not in YAML11_BOOLEANS:
        return text
    return json.dumps(text)


YAML11_BOOLEANS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def key_text(key: str) -> str:
    return json.dumps(key) if key.lower() in YAML11_BOOLEANS else key


def emit(value, indent: int = 0) -> list[str]:
    lines = []
    pad = " " * indent
    if isinstance(value, dict):
        for raw_key, item in value.items():
            key = key_text(raw_key)
            if isinstance(item, (dict, list)):
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {scalar(str(item), indent)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                # "- first: x" then the other keys aligned under it.
                nested = emit(item, indent + 2)
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {scalar(str(item), indent + 2)}")
    return lines


def strip_strings(value):
    """Folded scalars (`>`) read back with a final newline; drop it to compare."""
    if isinstance(value, dict):
        return {key: strip_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_strings(item) for item in value]
    return value.rstrip("\n") if isinstance(value, str) else value


def render(document: dict) -> str:
    header = [
        "# GENERATED by catalogue/tools/syscalls-docs/generate.py from the live",
        "# tracefs format files and the tables in catalogue/tools/syscalls-docs/tables/.",
        "# Do not edit by hand: edit the tables and rerun (see that README.md).",
    ]
    text = "\n".join(header + emit(document)) + "\n"
    if strip_strings(yaml.safe_load(text)) != document:
        raise GenerationError("internal error: the emitted YAML does not read back identically")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS,
                        help="tracefs events/syscalls directory (default: %(default)s)")
    parser.add_argument("--snapshots", type=Path, default=DEFAULT_SNAPSHOTS,
                        help="directory of kernel snapshots whose system calls are documented too "
                             "(default: %(default)s)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                        help="file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail if the output file differs from what would be generated")
    options = parser.parse_args()
    try:
        syscalls = merge_syscalls(read_live_syscalls(options.events),
                                  read_snapshot_syscalls(options.snapshots))
        document, unused = build(syscalls)
        text = render(document)
    except (GenerationError, OSError, yaml.YAMLError, KeyError) as error:
        print(f"generate.py: error: {error}", file=sys.stderr)
        return 1
    for name in unused:
        print(f"generate.py: note: tables/syscalls.yaml documents {name}, which this kernel lacks",
              file=sys.stderr)
    if options.check:
        current = options.output.read_text() if options.output.exists() else ""
        if current != text:
            print(f"generate.py: {options.output} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    print(f"generate.py: wrote {options.output}: {len(document['events'])} events "
          f"from {len(syscalls)} system calls", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
