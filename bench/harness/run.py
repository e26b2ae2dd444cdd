#!/usr/bin/env python3
"""Tracer overhead: Probity against bpftrace, trace-cmd record and perf record.

Runs each workload of workload.c untraced and under each tracer, interleaved
in the same run, and writes runs.csv (every run), summary.csv and summary.md
(medians), and overhead.svg (the plot) to the output directory. See README.md
beside this file for what each figure means and how losses are counted.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRACEFS = Path("/sys/kernel/tracing")
INSTANCES = TRACEFS / "instances"
TRACE_CMD_INSTANCE = "pbench_tc"  # the only tracefs instance the harness itself names
WORKLOAD_CPU = "0"
TRACER_CPU = "1"
LEFTOVERS: list[str] = []  # tracefs instances a tracer left behind after it exited
STOP_ESCALATIONS: list[str] = []  # tracers that had to be stopped harder than with SIGINT
TOOLS = ["none", "probity", "bpftrace", "trace-cmd", "perf"]
REJECT_ID = 9999  # no system call has this number: the predicate rejects every event


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    workload: str  # storm | pingpong | forkexec
    script: str  # count | latency | reject
    event: str  # subsystem:event
    comm: str  # the comm whose events the count script must deliver
    rate: float = 0.0  # storm calls per second; 0 = unthrottled
    label: str = ""


SCENARIOS = [
    Scenario("storm-count", "storm", "count", "raw_syscalls:sys_enter", "pb_storm",
             label="getppid() storm, count by process"),
    Scenario("storm-latency", "storm", "latency", "raw_syscalls:sys_enter", "pb_storm",
             label="getppid() storm, enter/exit latency of the target pid"),
    Scenario("storm-reject", "storm", "reject", "raw_syscalls:sys_enter", "pb_storm",
             label="getppid() storm, predicate rejecting every event"),
    Scenario("storm-1M-count", "storm", "count", "raw_syscalls:sys_enter", "pb_storm", rate=1e6,
             label="getppid() paced at 1M calls/s, count by process"),
    Scenario("pingpong-count", "pingpong", "count", "sched:sched_switch", "pb_pingpong",
             label="pipe ping-pong (2 processes, one CPU), sched_switch count by process"),
    Scenario("forkexec-count", "forkexec", "count", "sched:sched_process_exec", "pb_exit",
             label="fork + exec + wait loop, sched_process_exec count by process"),
]


# ---------------------------------------------------------------- process helpers

def read_text(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of root and every live descendant, plus what
    root has reaped from its children so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = read_text(Path("/proc") / entry / "stat")
        if not stat:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    total = 0
    for pid, (own, _) in times.items():
        walk = pid
        while walk > 1 and walk != root:
            walk = parents.get(walk, 0)
        if walk == root:
            total += own
    if root in times:
        total += times[root][1]
    return total / ticks


def wait_with_timeout(pid: int, timeout: float) -> tuple[int, resource.struct_rusage] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited == pid:
            return status, usage
        time.sleep(0.05)
    return None


def stop_process(proc: subprocess.Popen, timeout: float) -> tuple[int, resource.struct_rusage]:
    """SIGINT (every tracer's clean stop), then SIGTERM and SIGKILL if it hangs."""
    for sig, grace in ((signal.SIGINT, timeout), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is None and proc.returncode is None:
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass
        result = wait_with_timeout(proc.pid, grace)
        if result is not None:
            proc.returncode = os.waitstatus_to_exitcode(result[0])
            return result
        threads = [f"{t.name}:{read_text(t / 'comm').strip()}@{read_text(t / 'wchan').strip() or '-'}"
                   for t in sorted(Path(f"/proc/{proc.pid}/task").glob("*"))]
        what = f"{' '.join(proc.args[3:5])}: no exit {grace:g} s after {sig.name} (threads: {' '.join(threads)})"
        print(f"  ! {what}", file=sys.stderr)
        STOP_ESCALATIONS.append(what)
    raise RuntimeError(f"could not stop {proc.args}")


def run_counted(command: str) -> tuple[str, float]:
    """Runs a post-processing shell pipeline; returns its stdout and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):  # grep -c exits 1 when it counts 0
        raise RuntimeError(f"{command}: exit {result.returncode}: {result.stderr.strip()[-400:]}")
    return result.stdout, cpu


# ---------------------------------------------------------------- tracefs state

def tracefs_top_state() -> dict[str, str]:
    """What the harness must leave as it found it: the top-level buffer's
    settings, every enabled event and every filter there. (Instances are
    checked per tracer: other users of the machine create their own.)"""
    state = {}
    for name in ("tracing_on", "current_tracer", "trace_options", "trace_clock", "buffer_size_kb",
                 "tracing_cpumask", "set_event", "set_event_pid", "events/enable"):
        state[name] = read_text(TRACEFS / name).strip()
    for enable in TRACEFS.glob("events/*/*/enable"):
        value = read_text(enable).strip()
        if value not in ("0", ""):
            state[str(enable.relative_to(TRACEFS))] = value
    for filt in TRACEFS.glob("events/*/*/filter"):
        value = read_text(filt).strip()
        if value not in ("none", ""):
            state[str(filt.relative_to(TRACEFS))] = value
    return state


def instance_drops(instance: Path) -> int:
    """overrun + commit overrun + dropped events over every CPU of an instance."""
    total = 0
    for stats in sorted(instance.glob("per_cpu/cpu*/stats")):
        for line in read_text(stats).splitlines():
            key, _, value = line.partition(":")
            if key in ("overrun", "commit overrun", "dropped events"):
                total += int(value.split()[0])
    return total


def instance_enabled(instance: Path) -> bool:
    return read_text(instance / "tracing_on").strip() == "1" and any(
        read_text(e).strip() == "1" for e in instance.glob("events/*/*/enable"))


# ---------------------------------------------------------------- tracers

@dataclasses.dataclass
class Measurement:
    delivered: int | None = None  # events the script delivered for the workload
    delivered_all: int | None = None  # count script: events delivered under any key (all processes)
    tool_lost: int | None = None  # losses the tool itself reported
    kernel_lost: int | None = None  # losses in the kernel's per-CPU stats of the tool's instance
    post_cpu: float = 0.0  # CPU seconds of the post-processing (trace-cmd report, perf report)
    note: str = ""


class Tracer:
    name = "none"

    def __init__(self, scenario: Scenario, target: int, scratch: Path, args):
        self.scenario, self.target, self.scratch, self.args = scenario, target, scratch, args
        self.proc: subprocess.Popen | None = None
        self.stdout_path = scratch / f"{self.name}.out"
        self.stderr_path = scratch / f"{self.name}.err"
        self.instance: Path | None = None
        self.kernel_lost: int | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(["taskset", "-c", TRACER_CPU, *self.command()],
                                         stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def ready(self) -> bool:
        raise NotImplementedError

    def settle(self) -> float:
        return 0.5

    stop_timeout = 60.0  # seconds a tracer may take to exit after SIGINT

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready: "
                                   f"{read_text(self.stderr_path).strip()[-600:]}")
            if self.ready():
                time.sleep(self.settle())
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready after {timeout} s")

    def own_instances(self) -> list[Path]:
        """The tracefs instances this tracer made (and must have removed by the time it exits)."""
        return []

    def before_stop(self) -> None:
        if self.instance is not None and self.instance.exists():
            self.kernel_lost = instance_drops(self.instance)

    def stop(self) -> tuple[float, float]:
        """Stops the tracer; returns (CPU seconds, peak RSS in MiB) of it and its children."""
        _, usage = stop_process(self.proc, timeout=self.stop_timeout)
        if self.proc.returncode not in (0, 130, -2):
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: "
                               f"{read_text(self.stderr_path).strip()[-600:]}")
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

    def measure(self) -> Measurement:
        raise NotImplementedError

    def cleanup(self) -> None:
        pass


class Probity(Tracer):
    name = "probity"

    def program(self) -> str:
        s = self.scenario
        if s.script == "count":
            return f"{s.event} {{ @[execname] = count(); }}"
        if s.script == "latency":
            return ("raw_syscalls:sys_enter /pid == $target/ { self->t = timestamp; } "
                    "raw_syscalls:sys_exit /self->t/ { @ = quantize(timestamp - self->t); self->t = 0; }")
        return f"raw_syscalls:sys_enter /args->id == {REJECT_ID}/ {{ @[execname] = count(); }}"

    def command(self) -> list[str]:
        command = [self.args.probity, "-q", "-x", "allow=hot,sensitive", "-f", "json"]
        if self.scenario.script == "latency":
            command += ["-p", str(self.target)]
        return command + ["-n", self.program()]

    def own_instances(self) -> list[Path]:
        # probity-<pid>-<start time>-<sequence> (consumer/src/instance_name.cpp)
        return sorted(INSTANCES.glob(f"probity-{self.proc.pid}-*"))

    def ready(self) -> bool:
        mine = self.own_instances()
        self.instance = mine[0] if mine else None
        return self.instance is not None and instance_enabled(self.instance)

    def measure(self) -> Measurement:
        m = Measurement(tool_lost=0, kernel_lost=self.kernel_lost, delivered=0)
        for line in read_text(self.stdout_path).splitlines():
            record = json.loads(line)
            if record.get("type") == "drops":
                m.tool_lost += record["count"]
            elif record.get("type") == "aggregation":
                for entry in record["entries"]:
                    if "buckets" in entry:
                        m.delivered += sum(b["count"] for b in entry["buckets"])
                    else:
                        m.delivered_all = (m.delivered_all or 0) + entry["value"]
                        if entry["keys"] == [self.scenario.comm]:
                            m.delivered += entry["value"]
        return m


class Bpftrace(Tracer):
    name = "bpftrace"

    def program(self) -> str:
        s = self.scenario
        probe = "tracepoint:" + s.event
        if s.script == "count":
            return f"{probe} {{ @[comm] = count(); }}"
        if s.script == "latency":
            return (f"tracepoint:raw_syscalls:sys_enter /pid == {self.target}/ {{ @t[tid] = nsecs; }} "
                    "tracepoint:raw_syscalls:sys_exit /@t[tid]/ { @ = hist(nsecs - @t[tid]); delete(@t[tid]); }")
        return f"{probe} /args->id == {REJECT_ID}/ {{ @[comm] = count(); }}"

    def command(self) -> list[str]:
        return ["bpftrace", "-f", "json", "-e", self.program()]

    def ready(self) -> bool:
        return "attached_probes" in read_text(self.stdout_path)

    def measure(self) -> Measurement:
        m = Measurement(tool_lost=0, delivered=0, note="in-kernel maps: no ring buffer to lose events from")
        for line in read_text(self.stdout_path).splitlines():
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            data = record.get("data")
            if record.get("type") == "map" and "@" in data:
                m.delivered += int(data["@"].get(self.scenario.comm, 0))
                m.delivered_all = (m.delivered_all or 0) + sum(int(v) for v in data["@"].values())
            elif record.get("type") == "hist" and "@" in data:
                m.delivered += sum(int(b["count"]) for b in data["@"])
            elif record.get("type") == "lost_events":
                m.tool_lost += int(data.get("events", 0))
        for match in re.finditer(r"Lost (\d+) events", read_text(self.stderr_path)):
            m.tool_lost += int(match.group(1))
        return m


class TraceCmd(Tracer):
    name = "trace-cmd"
    stop_timeout = 300.0  # it flushes what is left in the buffers to its file

    def __init__(self, *a):
        super().__init__(*a)
        self.data = self.scratch / "trace.dat"

    def command(self) -> list[str]:
        # -B: a private instance, so the top-level buffer is never touched;
        # -d: do not ask for the function tracer (refused on this kernel);
        # -k: do not reset at the end (the reset of an instance fails on
        #     set_ftrace_filter here): the harness removes the instance itself.
        command = ["trace-cmd", "record", "-d", "-k", "-B", TRACE_CMD_INSTANCE, "-o", str(self.data)]
        s = self.scenario
        if s.script == "count":
            return command + ["-e", s.event]
        if s.script == "latency":
            pid_filter = f"common_pid == {self.target}"
            return command + ["-e", "raw_syscalls:sys_enter", "-f", pid_filter,
                              "-e", "raw_syscalls:sys_exit", "-f", pid_filter]
        return command + ["-e", s.event, "-f", f"id == {REJECT_ID}"]

    def start(self) -> None:
        if (INSTANCES / TRACE_CMD_INSTANCE).exists():
            raise RuntimeError(f"{INSTANCES / TRACE_CMD_INSTANCE} exists: left by an earlier run? remove it")
        super().start()
        self.instance = INSTANCES / TRACE_CMD_INSTANCE

    def ready(self) -> bool:
        return self.instance.exists() and instance_enabled(self.instance)

    def own_instances(self) -> list[Path]:
        return [self.instance] if self.instance is not None and self.instance.exists() else []

    def measure(self) -> Measurement:
        m = Measurement(kernel_lost=self.kernel_lost, tool_lost=0)
        for match in re.finditer(r"CPU \d+: (\d+) events lost", read_text(self.stdout_path)):
            m.tool_lost += int(match.group(1))
        s = self.scenario
        if s.script == "latency":
            pattern = r": sys_exit:"
        elif s.script == "reject":
            pattern = r": sys_enter:"
        else:
            pattern = rf"[ :]{s.comm}-[0-9]+ +\[[0-9]+\] [0-9.]+: {s.event.split(':')[1]}:"
        out, m.post_cpu = run_counted(f"trace-cmd report -q -i {self.data} 2>/dev/null | grep -c -E '{pattern}'")
        m.delivered = int(out.strip() or 0)
        return m

    def cleanup(self) -> None:
        self.data.unlink(missing_ok=True)
        # -k leaves the instance (with its events still enabled) for us to remove
        if self.instance is not None and self.instance.exists():
            self.instance.rmdir()


class Perf(Tracer):
    name = "perf"

    def __init__(self, *a):
        super().__init__(*a)
        self.data = self.scratch / "perf.data"
        self.fds_ready = False

    def command(self) -> list[str]:
        command = ["perf", "record", "-q", "-o", str(self.data)]
        s = self.scenario
        if s.script == "count":
            return command + ["-a", "-e", s.event]
        if s.script == "latency":
            return command + ["-p", str(self.target), "-e", "raw_syscalls:sys_enter",
                              "-e", "raw_syscalls:sys_exit"]
        return command + ["-a", "-e", s.event, "--filter", f"id == {REJECT_ID}"]

    def ready(self) -> bool:
        fd_dir = Path(f"/proc/{self.proc.pid}/fd")
        try:
            return any(os.readlink(fd_dir / fd) == "anon_inode:[perf_event]" for fd in os.listdir(fd_dir))
        except OSError:
            return False

    def settle(self) -> float:
        return 1.0  # perf opens its events before it mmaps and enables them

    def measure(self) -> Measurement:
        m = Measurement(tool_lost=0, note="perf ring buffers: no tracefs instance")
        stats, cpu_stats = run_counted(f"perf report -i {self.data} --stats 2>/dev/null")
        in_event_section = False
        for line in stats.splitlines():
            if line.endswith(" stats:"):
                in_event_section = not line.startswith("Aggregated")
            elif in_event_section and "LOST_SAMPLES events:" in line:
                m.tool_lost += int(line.split(":")[1].split()[0])
        s = self.scenario
        if s.script == "latency":
            out, cpu = run_counted(f"perf script -i {self.data} -F event 2>/dev/null | grep -c sys_exit")
            m.delivered = int(out.strip() or 0)
        else:
            out, cpu = run_counted(f"perf report -i {self.data} --stdio -s comm -n 2>/dev/null")
            m.delivered = 0
            for line in out.splitlines():
                fields = line.split()
                if len(fields) >= 3 and fields[0].endswith("%") and fields[1].isdigit():
                    m.delivered_all = (m.delivered_all or 0) + int(fields[1])
                    if len(fields) == 3 and fields[2] == s.comm:
                        m.delivered += int(fields[1])
        m.post_cpu = cpu_stats + cpu
        return m

    def cleanup(self) -> None:
        self.data.unlink(missing_ok=True)
        Path(str(self.data) + ".old").unlink(missing_ok=True)


TRACERS = {cls.name: cls for cls in (Probity, Bpftrace, TraceCmd, Perf)}


# ---------------------------------------------------------------- one run

@dataclasses.dataclass
class Run:
    repeat: int
    scenario: str
    tool: str
    ops: int = 0
    generated: int = 0
    seconds: float = 0.0
    workload_cpu: float = 0.0
    delivered: int | None = None
    delivered_all: int | None = None
    tool_lost: int | None = None
    kernel_lost: int | None = None
    tracer_window_cpu: float | None = None  # CPU seconds the tracer used while the workload ran
    tracer_cpu: float | None = None  # CPU seconds from start to exit (startup and teardown included)
    tracer_rss_mib: float | None = None
    post_cpu: float | None = None
    error: str = ""


def workload_command(args, scenario: Scenario, duration: float) -> list[str]:
    binary = str(args.bin_dir / "pb_workload")
    if scenario.workload == "storm":
        rate = [f"{scenario.rate:.0f}"] if scenario.rate else []
        return [binary, "storm", str(duration), *rate]
    if scenario.workload == "pingpong":
        return [binary, "pingpong", str(duration)]
    return [binary, "forkexec", str(duration), str(args.bin_dir / "pb_exit")]


def run_once(args, scenario: Scenario, tool: str, repeat: int, scratch: Path) -> Run:
    run = Run(repeat, scenario.name, tool)
    workload = subprocess.Popen(["taskset", "-c", WORKLOAD_CPU, *workload_command(args, scenario, args.duration)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    tracer: Tracer | None = None
    try:
        ready = workload.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"workload did not start: {ready}")
        target = int(ready[1])
        if tool != "none":
            tracer = TRACERS[tool](scenario, target, scratch, args)
            tracer.start()
            tracer.wait_ready()
            window_start = process_tree_cpu(tracer.proc.pid)
        workload.stdin.write("go\n")
        workload.stdin.flush()
        result = dict(kv.split("=") for kv in workload.stdout.readline().split())
        if tracer is not None:
            run.tracer_window_cpu = process_tree_cpu(tracer.proc.pid) - window_start
        if workload.wait(timeout=60) != 0:
            raise RuntimeError(f"workload exited with {workload.returncode}")
        run.ops, run.generated = int(result["ops"]), int(result["events"])
        run.seconds, run.workload_cpu = float(result["seconds"]), float(result["cpu"])
        if tracer is not None:
            tracer.before_stop()
            run.tracer_cpu, run.tracer_rss_mib = tracer.stop()
            if tracer.name != "trace-cmd" and tracer.own_instances():  # trace-cmd -k: ours to remove
                LEFTOVERS.append(f"{scenario.name}/{tool}: {[p.name for p in tracer.own_instances()]}")
            m = tracer.measure()
            run.delivered, run.delivered_all, run.tool_lost, run.kernel_lost, run.post_cpu = (
                m.delivered, m.delivered_all, m.tool_lost, m.kernel_lost, m.post_cpu)
    except Exception as error:  # one failed run is recorded, the others go on
        run.error = str(error).replace("\n", " ")[:300]
        print(f"  ! {scenario.name} / {tool}: {run.error}", file=sys.stderr)
    finally:
        if workload.poll() is None:
            workload.kill()
            workload.wait()
        if tracer is not None:
            if tracer.proc is not None and tracer.proc.returncode is None and tracer.proc.poll() is None:
                stop_process(tracer.proc, timeout=30)
            try:
                tracer.cleanup()
                for leftover in tracer.own_instances():  # only ever the tracer's own, by name
                    leftover.rmdir()
            except OSError as error:
                LEFTOVERS.append(f"{scenario.name}/{tool}: cannot remove: {error}")
    return run


# ---------------------------------------------------------------- summary

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


@dataclasses.dataclass
class Row:
    scenario: Scenario
    tool: str
    runs: int
    errors: list[str]
    ops_per_s: float | None
    slowdown: float | None  # untraced throughput / traced throughput
    cpu_per_op_ratio: float | None  # traced workload CPU per op / untraced
    delivered_pct: float | None
    tool_lost_pct: float | None
    kernel_lost_pct: float | None
    tracer_core_pct: float | None
    tracer_cpu: float | None
    tracer_rss_mib: float | None
    post_cpu: float | None


def summarise(runs: list[Run]) -> list[Row]:
    rows = []
    for scenario in SCENARIOS:
        base = [r for r in runs if r.scenario == scenario.name and r.tool == "none" and not r.error]
        base_tput = median([r.ops / r.seconds for r in base])
        base_cpu_op = median([r.workload_cpu / r.ops for r in base])
        for tool in TOOLS:
            mine = [r for r in runs if r.scenario == scenario.name and r.tool == tool]
            if not mine:
                continue
            ok = [r for r in mine if not r.error]
            cpu_ratio = median([(r.workload_cpu / r.ops) / base_cpu_op for r in ok]) if base_cpu_op else None

            def pct(values):
                m = median(values)
                return None if m is None else 100 * m

            rows.append(Row(
                scenario, tool, len(ok), [r.error for r in mine if r.error],
                median([r.ops / r.seconds for r in ok]),
                # a paced workload keeps its rate while it can: its cost shows in CPU per operation
                (cpu_ratio if scenario.rate else
                 median([base_tput / (r.ops / r.seconds) for r in ok]) if base_tput else None),
                cpu_ratio,
                pct([r.delivered / r.generated if r.delivered is not None and r.generated else None for r in ok]),
                pct([r.tool_lost / r.generated if r.tool_lost is not None and r.generated else None for r in ok]),
                pct([r.kernel_lost / r.generated if r.kernel_lost is not None and r.generated else None for r in ok]),
                pct([r.tracer_window_cpu / r.seconds if r.tracer_window_cpu is not None else None for r in ok]),
                median([r.tracer_cpu for r in ok]),
                median([r.tracer_rss_mib for r in ok]),
                median([r.post_cpu for r in ok])))
    return rows


def fmt(value, spec, suffix=""):
    return "–" if value is None else f"{value:{spec}}{suffix}"


def markdown_table(rows: list[Row]) -> str:
    lines = ["| scenario | tracer | ops/s | slowdown | CPU/op | delivered | lost (tool) | lost (kernel) "
             "| tracer CPU | tracer CPU s | peak RSS | post-proc CPU s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.runs == 0:
            lines.append(f"| {r.scenario.name} | {r.tool} | failed: {r.errors[0][:120]} |||||||||||")
            continue
        delivered = "–" if r.scenario.script == "reject" and r.delivered_pct == 0 else fmt(r.delivered_pct, ".1f", "%")
        lines.append(
            f"| {r.scenario.name} | {r.tool} | {fmt(r.ops_per_s, ',.0f')} | {fmt(r.slowdown, '.2f', '×')} "
            f"| {fmt(r.cpu_per_op_ratio, '.2f', '×')} | {delivered} | {fmt(r.tool_lost_pct, '.2f', '%')} "
            f"| {fmt(r.kernel_lost_pct, '.2f', '%')} | {fmt(r.tracer_core_pct, '.0f', '%')} "
            f"| {fmt(r.tracer_cpu, '.2f')} | {fmt(r.tracer_rss_mib, '.0f', ' MiB')} | {fmt(r.post_cpu, '.2f')} |")
    return "\n".join(lines)


def write_csv(path: Path, records: list, fields: list[str]) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for record in records:
            writer.writerow(record)


# ---------------------------------------------------------------- plot

COLOURS = {"none": "#9e9e9e", "probity": "#1f77b4", "bpftrace": "#ff7f0e",
           "trace-cmd": "#2ca02c", "perf": "#d62728"}


def svg_plot(rows: list[Row], title: str) -> str:
    """Three panels sharing one row per (scenario, tracer): slowdown, events
    missing (not delivered), tracer CPU; hand-written SVG."""
    traced = [r for r in rows if r.tool != "none"]
    panels = [
        ("slowdown (× untraced; paced: CPU per call)", lambda r: r.slowdown, lambda v: f"{v:.2f}×", 1.0),
        ("events not delivered (% of generated)",
         lambda r: None if r.delivered_pct is None or r.scenario.script == "reject" else max(0.0, 100 - r.delivered_pct),
         lambda v: f"{v:.1f}%", None),
        ("tracer CPU while the workload ran (% of a core)", lambda r: r.tracer_core_pct, lambda v: f"{v:.0f}%", None),
    ]
    label_w, panel_w, gap, bar_h, row_gap, group_gap, top = 300, 250, 40, 14, 3, 14, 70
    y = top
    positions = []
    last = None
    for r in traced:
        if last is not None and r.scenario.name != last:
            y += group_gap
        positions.append((r, y))
        y += bar_h + row_gap
        last = r.scenario.name
    height = y + 40
    width = label_w + len(panels) * (panel_w + gap) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">{escape(title)}</text>']
    legend_x = 10
    for tool in TOOLS[1:]:
        out.append(f'<rect x="{legend_x}" y="34" width="12" height="12" fill="{COLOURS[tool]}"/>'
                   f'<text x="{legend_x + 16}" y="44">{tool}</text>')
        legend_x += 90
    shown = set()
    for r, ry in positions:
        if r.scenario.name not in shown:
            shown.add(r.scenario.name)
            out.append(f'<text x="10" y="{ry + bar_h - 3}" font-weight="bold">{r.scenario.name}</text>')
        out.append(f'<text x="{label_w - 8}" y="{ry + bar_h - 3}" text-anchor="end">{r.tool}</text>')
    for index, (heading, value_of, label_of, reference) in enumerate(panels):
        x0 = label_w + index * (panel_w + gap)
        values = [value_of(r) for r, _ in positions]
        scale_max = max([v for v in values if v is not None] + [reference or 0, 1e-9]) * 1.15
        out.append(f'<text x="{x0}" y="{top - 8}" font-weight="bold">{escape(heading)}</text>')
        out.append(f'<line x1="{x0}" y1="{top - 4}" x2="{x0}" y2="{height - 30}" stroke="#444"/>')
        if reference:
            rx = x0 + panel_w * reference / scale_max
            out.append(f'<line x1="{rx:.1f}" y1="{top - 4}" x2="{rx:.1f}" y2="{height - 30}" '
                       f'stroke="#888" stroke-dasharray="3,3"/>'
                       f'<text x="{rx:.1f}" y="{height - 18}" text-anchor="middle" fill="#666">untraced</text>')
        for (r, ry), v in zip(positions, values):
            if v is None:
                out.append(f'<text x="{x0 + 4}" y="{ry + bar_h - 3}" fill="#999">{"failed" if r.runs == 0 else "n/a"}</text>')
                continue
            w = panel_w * v / scale_max
            out.append(f'<rect x="{x0}" y="{ry}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[r.tool]}"/>'
                       f'<text x="{x0 + w + 4:.1f}" y="{ry + bar_h - 3}">{label_of(v)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- main

def tool_versions(args, available: dict[str, str]) -> dict[str, str]:
    versions = {}
    commands = {"bpftrace": ["bpftrace", "--version"], "trace-cmd": ["trace-cmd", "--version"],
                "perf": ["perf", "--version"], "probity": ["git", "-C", str(HERE), "describe", "--always", "--dirty"]}
    for tool, command in commands.items():
        if available.get(tool) != "ok":
            versions[tool] = available.get(tool, "not run")
            continue
        try:
            text = subprocess.run(command, capture_output=True, text=True, timeout=10)
            lines = [l for l in (text.stdout + text.stderr).splitlines() if l.strip()]
            versions[tool] = lines[0].strip() if lines else "?"
        except (OSError, subprocess.TimeoutExpired):
            versions[tool] = "?"
    if "probity" in versions and available.get("probity") == "ok":
        versions["probity"] = f"{args.probity} (git {versions['probity']})"
    return versions


def check_tools(args, wanted: list[str]) -> dict[str, str]:
    """'ok' or why the peer cannot run here; a peer that cannot is reported, never faked."""
    smoke = {
        "probity": [args.probity, "-e", "-x", "allow=hot,sensitive", "-n", "raw_syscalls:sys_enter { @ = count(); }"],
        "bpftrace": ["bpftrace", "-e", "tracepoint:raw_syscalls:sys_enter { @ = count(); exit(); }"],
        "trace-cmd": ["trace-cmd", "list", "-e", "raw_syscalls:sys_enter"],
        "perf": ["perf", "list", "tracepoint"],
    }
    status = {}
    for tool in wanted:
        if tool == "none":
            continue
        try:
            result = subprocess.run(smoke[tool], capture_output=True, text=True, timeout=60)
            status[tool] = "ok" if result.returncode == 0 else \
                f"unavailable: {(result.stderr or result.stdout).strip().splitlines()[-1:]}"
        except (OSError, subprocess.TimeoutExpired) as error:
            status[tool] = f"unavailable: {error}"
    return status


def main() -> int:
    global SCENARIOS
    repo = HERE.parent.parent
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 repeat x 2 s (a check, not a measurement)")
    parser.add_argument("--repeats", type=int, help="repeats of the whole matrix (default 3; 1 with --quick)")
    parser.add_argument("--duration", type=float, help="seconds per workload run (default 5; 2 with --quick)")
    parser.add_argument("--probity", default=str(repo / "build-release/bin/probity"))
    parser.add_argument("--bin-dir", type=Path, required=True, help="where pb_workload and pb_exit are")
    parser.add_argument("--out", type=Path, help="output directory (default bench/results, bench/results/quick)")
    parser.add_argument("--scratch", type=Path, default=Path("/var/tmp/probity-bench"),
                        help="where trace-cmd and perf write their data files (deleted after each run)")
    parser.add_argument("--scenarios", default=",".join(s.name for s in SCENARIOS))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--results-md", type=Path,
                        help="the Markdown report (default bench/RESULTS-peers.md; OUT/report.md with --quick)")
    args = parser.parse_args()
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.duration = args.duration or (2.0 if args.quick else 5.0)
    args.out = args.out or (repo / "bench/results" / ("quick" if args.quick else ""))
    args.results_md = args.results_md or (args.out / "report.md" if args.quick else repo / "bench/RESULTS-peers.md")
    wanted_scenarios = args.scenarios.split(",")
    SCENARIOS = [s for s in SCENARIOS if s.name in wanted_scenarios]
    wanted_tools = [t for t in TOOLS if t in args.tools.split(",")]

    if os.geteuid() != 0:
        print("run.py: needs root (tracefs, perf -a, bpftrace)", file=sys.stderr)
        return 2
    if not (TRACEFS / "instances").is_dir():
        subprocess.run(["mount", "-t", "tracefs", "nodev", str(TRACEFS)], check=True)
    if os.cpu_count() < 2:
        print("run.py: needs 2 CPUs (workload on CPU 0, tracer on CPU 1)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    args.scratch.mkdir(parents=True, exist_ok=True)

    available = check_tools(args, wanted_tools)
    for tool, state in available.items():
        print(f"{tool}: {state}")
    tools = ["none"] + [t for t in wanted_tools if available.get(t) == "ok"]
    top_state = tracefs_top_state()
    started = time.monotonic()
    runs: list[Run] = []
    state_changes: list[str] = []
    for repeat in range(args.repeats):
        for scenario in SCENARIOS:
            # the untraced run first, the tracers in an order rotated per repeat
            traced = [t for t in tools if t != "none"]
            shift = repeat % max(1, len(traced))
            order = ["none"] + traced[shift:] + traced[:shift]
            for tool in order:
                run = run_once(args, scenario, tool, repeat, args.scratch)
                runs.append(run)
                rate = f"{run.ops / run.seconds:,.0f} ops/s" if run.seconds else "-"
                print(f"[{time.monotonic() - started:6.0f}s] rep {repeat + 1}/{args.repeats} {scenario.name:15} "
                      f"{tool:9} {rate:>18} generated={run.generated} delivered={run.delivered} "
                      f"lost={run.tool_lost}/{run.kernel_lost} tracer_cpu={run.tracer_window_cpu} "
                      f"{run.error}", flush=True)
                now_state = tracefs_top_state()
                if now_state != top_state:
                    changed = sorted(k for k in set(now_state) | set(top_state)
                                     if now_state.get(k) != top_state.get(k))
                    state_changes.append(f"after {scenario.name}/{tool}: {', '.join(changed)}")
                    print(f"  ! tracefs top-level state changed: {changed}", file=sys.stderr)
                    top_state = now_state

    elapsed = time.monotonic() - started
    rows = summarise(runs)
    run_fields = [f.name for f in dataclasses.fields(Run)]
    write_csv(args.out / "runs.csv", [dataclasses.asdict(r) for r in runs], run_fields)
    summary_records = []
    for r in rows:
        record = {k: v for k, v in dataclasses.asdict(r).items() if k not in ("scenario", "errors")}
        record["scenario"] = r.scenario.name
        record["errors"] = " | ".join(r.errors)
        summary_records.append(record)
    write_csv(args.out / "summary.csv", summary_records,
              ["scenario"] + [f.name for f in dataclasses.fields(Row) if f.name not in ("scenario",)])
    mode = "quick check (1 × 2 s: not a measurement)" if args.quick else \
        f"{args.repeats} repeats × {args.duration:g} s, medians"
    title = f"Tracer overhead on {platform.node()} ({os.cpu_count()} CPUs, Linux {platform.release()}), {mode}"
    (args.out / "overhead.svg").write_text(svg_plot(rows, title))
    versions = tool_versions(args, available)
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "kernel": platform.release(), "cpus": os.cpu_count(), "mode": mode,
        "command": " ".join(sys.argv), "elapsed_s": round(elapsed),
        "load_average_at_end": os.getloadavg(), "versions": versions, "tools": available,
        "tracefs_state_changes": state_changes, "stop_escalations": STOP_ESCALATIONS,
        "leftover_instances": LEFTOVERS,
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    table = markdown_table(rows)
    (args.out / "summary.md").write_text(table + "\n")
    args.results_md.write_text(results_markdown(table, meta, args, repo))
    print()
    print(table)
    print(f"\nwritten to {args.out} in {elapsed:.0f} s")
    if state_changes or LEFTOVERS:
        print("tracefs state left behind:\n  " + "\n  ".join(state_changes + LEFTOVERS), file=sys.stderr)
        return 1
    return 0


def results_markdown(table: str, meta: dict, args, repo: Path) -> str:
    svg = os.path.relpath(args.out / "overhead.svg", args.results_md.parent)
    versions = "\n".join(f"* {tool}: {version}" for tool, version in meta["versions"].items())
    scenarios = "\n".join(f"* `{s.name}`: {s.label}" for s in SCENARIOS)
    warning = ""
    if args.quick:
        warning = ("\n> **Quick check only** (1 repeat × 2 s): these figures show that the harness works, not how "
                   "the tracers compare. Measure with the full command below on a quiet machine.\n")
    return f"""# Probity against bpftrace, trace-cmd and perf
{warning}
Measured {meta['date']} on {meta['cpus']} CPUs, Linux {meta['kernel']}: {meta['mode']}; the
workload pinned to CPU {WORKLOAD_CPU}, the tracer to CPU {TRACER_CPU}; the whole run took
{meta['elapsed_s']} s (load average at the end: {', '.join(f'{l:.1f}' for l in meta['load_average_at_end'])}).
Rerun (as root, from the repository): `bench/harness/run.sh` (`--quick` for a 1 × 2 s check).
What each figure means and how losses are counted: [bench/harness/README.md](harness/README.md).

![tracer overhead]({svg})

{table}

Scenarios:

{scenarios}

Versions:

{versions}
"""


if __name__ == "__main__":
    sys.exit(main())
