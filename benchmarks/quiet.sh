#!/usr/bin/env bash
# Run a benchmark on a shared machine: while it runs, every other task (each thread of every process
# outside this session) is at nice 19, restored to 0 afterwards. Needs root (renice); Linux only.
#   setsid -w benchmarks/quiet.sh .venv/bin/python benchmarks/bench_step.py
# setsid puts the benchmark in a session of its own, which is what "outside" means here. The load
# average the benchmarks print still counts the niced tasks.
set -u
self_sid=$(ps -o sid= -p $$ | tr -d ' ')
others() {  # every thread id of every process outside this session
  ps -eLo lwp=,sid=,pid= | awk -v s="$self_sid" '$2!=s && $3!=1 {print $1}'
}
renice -n 19 -p $(others) >/dev/null 2>&1
( while sleep 0.5; do renice -n 19 -p $(others) >/dev/null 2>&1; done ) &  # new threads too
keeper=$!
trap 'kill $keeper 2>/dev/null; renice -n 0 -p $(others) >/dev/null 2>&1' EXIT
"$@"
