#!/bin/sh
# The kernel matrix's live check set: runs probity on the running kernel and
# prints one "PASS name: reason" or "FAIL name: reason" line per check. The
# same script runs on the host (bash or dash) and inside each guest (busybox
# sh), so it is POSIX sh and uses only what busybox has. Exit status 0 when
# every check passed, 1 otherwise. See README.md beside it.
#
# environment:
#   PROBITY          the probity binary (default: probity in PATH); it finds
#                    its index as usual ($PROBITY_INDEX, or beside the binary)
#   KMATRIX_LOAD     the static workload built from workload.c (default:
#                    kmatrix-load in PATH)
#   KMATRIX_SCRATCH  a directory for the checks' files (default: a new one)
#   KMATRIX_ALONE    1 when nothing else traces on this kernel (the guests):
#                    teardown then also requires that no probity-* instance
#                    at all is left, not only the ones of its own runs
PROBITY=${PROBITY:-probity}
LOAD=${KMATRIX_LOAD:-kmatrix-load}
TRACING=/sys/kernel/tracing
SCRATCH=${KMATRIX_SCRATCH:-$(mktemp -d /tmp/kmatrix.XXXXXX)}
mkdir -p "$SCRATCH"
failures=0

pass() { echo "PASS $1: $2"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# The first line of a file, for a reason that fits on one line.
first_line() { sed -n '1{s/[[:space:]]*$//;p;}' "$1" 2>/dev/null; }

# Runs probity in the foreground with a time limit: out and err in files.
run_probity() {
  name=$1
  shift
  timeout 180 "$PROBITY" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err"
}

# Starts probity in the background (its pid in $started) with stdout and
# stderr in files, and waits until its BEGIN clause printed "ready"; fails
# (with probity ended) when it exits first or takes over 90 s. It runs with
# SIGINT at its default, as from a terminal, not ignored as sh starts a
# background command.
start_probity() {
  name=$1
  shift
  "$LOAD" run "$PROBITY" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" &
  started=$!
  tries=0
  until grep -qx ready "$SCRATCH/$name.out" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 900 ] || ! running "$started"; then
      kill -KILL "$started" 2>/dev/null
      wait "$started"
      return 1
    fi
    sleep 0.1
  done
}

# Whether process $1 runs (a zombie does not).
running() {
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

# Waits up to $2 seconds for background process $1 (then kills it); its
# exit status in $status.
finish() {
  tries=0
  while running "$1" && [ $tries -lt $(($2 * 10)) ]; do
    tries=$((tries + 1))
    sleep 0.1
  done
  running "$1" && kill -KILL "$1"
  wait "$1"
  status=$?
}

instances_of() { ls -d "$TRACING"/instances/probity-"$1"-* 2>/dev/null; }

echo "KERNEL $(uname -r)"
# The optional tracefs files that differ across releases, for the record.
has=""
lacks=""
for file in buffer_subbuf_size_kb buffer_percent trace_clock set_event_pid options/record-tgid \
  options/overwrite events/signal/signal_generate/trigger; do
  if [ -e "$TRACING/$file" ]; then has="$has $file"; else lacks="$lacks $file"; fi
done
echo "TRACEFS has:${has:- nothing}; lacks:${lacks:- nothing}"

# ---------------------------------------------------------------- 1: exact count
# -v: probity also says which settings this kernel refused and what it did
# instead; those lines go to the record as NOTE lines.
calls=1000
if run_probity getppid -q -v -c "$LOAD getppid $calls" -n \
  'syscalls:sys_enter_getppid /pid == $target/ { @n = count(); } END { printa("calls %@d\n", @n); }'; then
  sed -n -e 's/^probity: note: /NOTE /p' -e 's/^probity: trace clock: /NOTE trace clock: /p' "$SCRATCH/getppid.err"
  got=$(sed -n 's/^calls //p' "$SCRATCH/getppid.out")
  if [ "$got" = "$calls" ]; then
    pass getppid-count "$got getppid() calls counted, $calls made"
  else
    fail getppid-count "counted '${got:-nothing}', the child made $calls"
  fi
else
  fail getppid-count "probity exited with $?: $(first_line "$SCRATCH/getppid.err")"
fi

# ---------------------------------------------------------------- 2: signals
if run_probity signals -q -c "$LOAD signals 3 5 7" -n \
  'signal:signal_generate /args->pid == $target/ { @[args->sig] = count(); } END { printa("sig %d %@d\n", @); }'; then
  got=$(grep '^sig ' "$SCRATCH/signals.out" | sort -n -k2 | tr '\n' ' ')
  want="sig 10 3 sig 12 5 sig 28 7 "
  if [ "$got" = "$want" ]; then
    pass signals "SIGUSR1 (10) x3, SIGUSR2 (12) x5, SIGWINCH (28) x7, each counted under its number"
  else
    fail signals "counted '$got', want '$want'"
  fi
else
  fail signals "probity exited with $?: $(first_line "$SCRATCH/signals.err")"
fi

# ---------------------------------------------------------------- 3: stack()
# Three SIGUSR1s through kill(2): one kernel stack, counted three times.
if run_probity stack -q -c "$LOAD signals 3 5 7" -n \
  'signal:signal_generate /args->pid == $target && args->sig == 10/ { @[stack()] = count(); } END { printa("%k@@%@d\n", @); }'; then
  out=$SCRATCH/stack.out
  counts=$(sed -n 's/^@@//p' "$out" | tr '\n' ' ')
  frames=$(grep -c '^              [^ ]' "$out")
  symbolised=$(grep -c '^              [A-Za-z_.][A-Za-z0-9_.]*+0x[0-9a-f]*$' "$out")
  hex=$(grep -c '^              0x[0-9a-f]*$' "$out")
  if [ "$counts" != "3 " ]; then
    fail stack "want one stack counted 3 times, got counts '$counts': $(first_line "$out")"
  elif [ "$frames" -lt 2 ] || [ $((symbolised + hex)) -ne "$frames" ]; then
    fail stack "$frames frames, $symbolised symbolised and $hex hex: $(tr '\n' '|' <"$out")"
  elif grep -q '^              .*kill' "$out"; then
    pass stack "one stack of $frames frames ($symbolised symbolised), counted 3 times, through $(grep -o '[a-z0-9_]*sys_kill' "$out" | head -n 1)"
  else
    pass stack "one stack of $frames frames ($symbolised symbolised, $hex hex), counted 3 times"
  fi
else
  fail stack "probity exited with $?: $(first_line "$SCRATCH/stack.err")"
fi

# ---------------------------------------------------------------- 4: kernel filter
# execname == "..." is pushed down as COMM == "...": the noise child's calls
# (another name) must never reach the count.
program='syscalls:sys_enter_getppid /execname == "kmatrix-load"/ { @n = count(); } END { printa("calls %@d\n", @n); }'
if ! run_probity filter-report -e -v -n "$program"; then
  fail kernel-filter "probity -e -v exited with $?: $(first_line "$SCRATCH/filter-report.err")"
elif ! grep -q 'sys_enter_getppid: COMM == "kmatrix-load"' "$SCRATCH/filter-report.out" ||
  ! grep -q 'entirely in the kernel' "$SCRATCH/filter-report.out"; then
  fail kernel-filter "probity -e -v does not show the predicate pushed down entirely as COMM == \"kmatrix-load\""
elif run_probity filter -q -c "$LOAD noise 1000 700" -n "$program"; then
  got=$(sed -n 's/^calls //p' "$SCRATCH/filter.out")
  if [ "$got" = 1000 ]; then
    pass kernel-filter "COMM == \"kmatrix-load\" in the kernel: 1000 calls counted, the 700 of kmatrix-noise filtered out"
  else
    fail kernel-filter "counted '${got:-nothing}' with the filter COMM == \"kmatrix-load\", the child made 1000 (and its noise child 700)"
  fi
else
  fail kernel-filter "probity exited with $?: $(first_line "$SCRATCH/filter.err")"
fi

# ---------------------------------------------------------------- 5: drops
# probity is stopped while the workload makes $storm events on CPU 0 into
# a 64 KiB buffer: most are dropped. (With 8 KiB, two pages, Debian's 6.1
# under TCG once soft-locked the reader and the writer.) The drops probity
# reports, per CPU, must be what the kernel's per_cpu/cpuN/stats of its
# instance say, and counted + dropped must be every event.
check_drops() {
  storm=50000
  rm -f "$SCRATCH/go" "$SCRATCH/done"
  "$LOAD" storm $storm "$SCRATCH/go" "$SCRATCH/done" &
  load=$!
  if ! start_probity drops -q -x bufsize=64k -p $load -n "BEGIN { printf(\"ready\\n\"); }
      syscalls:sys_enter_getppid /tid == $load/ { @n = count(); } END { printa(\"counted %@d\\n\", @n); }"; then
    kill -KILL $load
    wait $load
    fail drops "probity did not start: $(first_line "$SCRATCH/drops.err")"
    return
  fi
  instance=$(instances_of $started)
  kill -STOP $started
  : >"$SCRATCH/go"
  tries=0
  while [ ! -e "$SCRATCH/done" ] && [ $tries -lt 1200 ]; do
    tries=$((tries + 1))
    sleep 0.1
  done
  # Per CPU: what the kernel lost (probity's instance is stopped with overwrite off).
  kernel=$(for stats in "$instance"/per_cpu/cpu*/stats; do
    cpu=${stats%/stats}
    cpu=${cpu##*/cpu}
    awk -v cpu="$cpu" -F': *' '$1 == "overrun" || $1 == "commit overrun" || $1 == "dropped events" { n += $2 }
      END { if (n > 0) print "cpu" cpu "=" n }' "$stats"
  done | sort | tr '\n' ' ')
  kill -CONT $started
  finish $started 120
  wait $load 2>/dev/null
  reported=$(awk '/^probity: [0-9]+ drops on CPU [0-9]+$/ { n[$6] += $2 }
    END { for (cpu in n) print "cpu" cpu "=" n[cpu] }' "$SCRATCH/drops.err" | sort | tr '\n' ' ')
  dropped=$(awk '/^probity: [0-9]+ drops on CPU [0-9]+$/ { n += $2 } END { print n + 0 }' "$SCRATCH/drops.err")
  counted=$(sed -n 's/^counted //p' "$SCRATCH/drops.out")
  if [ -z "$instance" ]; then
    fail drops "no instance probity-$started-* appeared under $TRACING/instances"
  elif [ "$status" -ne 0 ]; then
    fail drops "probity exited with $status: $(first_line "$SCRATCH/drops.err")"
  elif [ ! -e "$SCRATCH/done" ]; then
    fail drops "the storm did not finish within 120 s"
  elif [ "$dropped" -eq 0 ]; then
    fail drops "no drops reported for $storm events into a 64 KiB buffer (kernel stats: '$kernel')"
  elif [ "$reported" != "$kernel" ]; then
    fail drops "probity reported '$reported', the kernel's per-CPU stats say '$kernel'"
  elif [ "$((counted + dropped))" -ne $storm ]; then
    fail drops "counted ${counted:-nothing} + dropped $dropped is not the $storm events made"
  else
    pass drops "reported ${reported% } as the kernel's per-CPU stats say; counted $counted + dropped $dropped = $storm"
  fi
}
check_drops

# ---------------------------------------------------------------- 6: teardown
# SIGINT and SIGTERM end a run with its instance removed; after SIGKILL the
# instance stays until the next run removes it.
check_teardown() {
  program='BEGIN { printf("ready\n"); } syscalls:sys_enter_getppid { @n = count(); }'
  done_with=""
  for signal in INT TERM; do
    if ! start_probity "teardown-$signal" -q -n "$program"; then
      fail teardown "probity did not start: $(first_line "$SCRATCH/teardown-$signal.err")"
      return
    fi
    if [ -z "$(instances_of $started)" ]; then
      kill -KILL $started
      wait $started
      fail teardown "no instance probity-$started-* while probity runs"
      return
    fi
    kill -$signal $started
    finish $started 60
    if [ -n "$(instances_of $started)" ]; then
      fail teardown "after SIG$signal (exit status $status) $(instances_of $started) is left"
      return
    fi
    done_with="${done_with}SIG$signal (exit $status), "
  done
  if ! start_probity teardown-KILL -q -n "$program"; then
    fail teardown "probity did not start: $(first_line "$SCRATCH/teardown-KILL.err")"
    return
  fi
  killed=$started
  kill -KILL $killed
  finish $killed 60
  left=$(instances_of $killed)
  if [ -z "$left" ]; then
    fail teardown "after SIGKILL no instance is left behind: the check cannot see the rerun remove it"
    return
  fi
  if ! run_probity teardown-rerun -n 'BEGIN { exit(0); }'; then
    fail teardown "the rerun after SIGKILL exited with $?: $(first_line "$SCRATCH/teardown-rerun.err")"
  elif [ -n "$(instances_of $killed)" ]; then
    fail teardown "the rerun after SIGKILL left ${left##*/} in place"
  elif [ "${KMATRIX_ALONE:-0}" = 1 ] && ! grep -q "removed instance ${left##*/} " "$SCRATCH/teardown-rerun.err"; then
    # (On a shared host another test's probity may have removed it first.)
    fail teardown "the rerun removed ${left##*/} without saying so"
  elif [ "${KMATRIX_ALONE:-0}" = 1 ] && ls -d "$TRACING"/instances/probity-* >/dev/null 2>&1; then
    fail teardown "instances left: $(cd "$TRACING/instances" && echo probity-*)"
  else
    pass teardown "${done_with}SIGKILL then a rerun (which removed ${left##*/}): no instance left"
  fi
}
check_teardown

# A failure's files stay for a look; the caller's directory is the caller's.
[ $failures -eq 0 ] && [ -z "${KMATRIX_SCRATCH:-}" ] && rm -rf "$SCRATCH"
[ $failures -eq 0 ]
