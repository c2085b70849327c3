#!/usr/bin/env bash
# Builds the libFuzzer targets (preset 'fuzz', tests/fuzz/) and runs each for a while:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 30), all targets if none
#
# Per target: first replays every file in tests/fuzz/regressions/TARGET/ (the crashes found so
# far, which must not crash again), then fuzzes for SECONDS starting from the committed seeds in
# tests/fuzz/corpus/TARGET/ plus the scratch corpus build/fuzz/corpus/TARGET/, where libFuzzer
# keeps the new inputs it finds (never in git). Prints executions, exec/s and coverage (cov: and
# ft: from libFuzzer's final stats) per target, and exits non-zero if any target crashed, timed
# out or ran out of memory, printing the path of the input that did it.
#
# Options (before SECONDS):
#   --no-build              use the binaries as built (what the ctest tests do)
#   --bin-dir DIR           where the fuzz_* binaries are (default build/fuzz/tests/fuzz)
#   --default-seconds N     SECONDS when neither the argument nor FILTERLENS_FUZZ_SECONDS is set
#   --keep-going            fork mode (-fork=1 -ignore_crashes=1 ...): keeps fuzzing after a
#                           crash and collects every crash of the run; for long campaigns
#   --fixed                 reproducible run (what the ctest tests do): seed 1, the number of
#                           executions given per target in tests/fuzz/targets.txt instead of a
#                           time, starting from the committed seeds only (the scratch corpus is
#                           neither read nor written), no corpus reloads, no address-space
#                           randomisation (setarch -R). The same commit fuzzes the same inputs
#                           run after run, so a CI failure replays locally and a pass is not luck.
#                           FILTERLENS_FUZZ_SECONDS, when set, overrides it (a timed run).
# Environment: FILTERLENS_FUZZ_SECONDS (when no SECONDS argument), FILTERLENS_FUZZ_RSS_MB (memory
# limit per input, default 2048), FILTERLENS_FUZZ_TIMEOUT (seconds per input, default 25).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

build=1
bin_dir="$root/build/fuzz/tests/fuzz"
default_seconds=30
keep_going=0
fixed=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --default-seconds) default_seconds="$2"; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    --fixed) fixed=1; shift ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
seconds="${FILTERLENS_FUZZ_SECONDS:-$default_seconds}"
[ -n "${FILTERLENS_FUZZ_SECONDS:-}" ] && fixed=0
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  fixed=0
  shift
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "fuzz.sh: SECONDS must be a whole number >= 1 (got '$seconds')" >&2
  exit 2
fi

# name -> max_len and the fixed run's executions, from the one list of targets.
declare -A max_len fixed_runs
all_targets=()
while read -r name len runs; do
  [[ "$name" =~ ^[a-z_]+$ ]] || continue
  max_len[$name]=$len
  fixed_runs[$name]=$runs
  all_targets+=("$name")
done < tests/fuzz/targets.txt
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [ -z "${max_len[$t]:-}" ]; then
    echo "fuzz.sh: unknown target '$t' (known: ${all_targets[*]})" >&2
    exit 2
  fi
  if [ "$fixed" = 1 ] && ! [[ "${fixed_runs[$t]}" =~ ^[0-9]+$ ]]; then
    echo "fuzz.sh: tests/fuzz/targets.txt gives no executions for '$t' (third column)" >&2
    exit 2
  fi
done

if [ "$build" = 1 ]; then
  cmake --preset fuzz >/dev/null || exit 1
  cmake --build --preset fuzz || exit 1
fi

run_dir="$root/build/fuzz/runs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$run_dir"
rss_mb="${FILTERLENS_FUZZ_RSS_MB:-2048}"
# UBSan prints no stack by default; the crash reports need one.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
timeout_s="${FILTERLENS_FUZZ_TIMEOUT:-25}"
failed=()
summary=()

for t in "${targets[@]}"; do
  bin="$bin_dir/fuzz_$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz.sh: $bin is missing: build with 'cmake --preset fuzz && cmake --build --preset fuzz'" >&2
    exit 1
  fi
  echo "=== fuzz_$t"
  crashes="$run_dir/$t"
  scratch="$root/build/fuzz/corpus/$t"
  mkdir -p "$crashes" "$scratch"
  common=(-max_len="${max_len[$t]}" -timeout="$timeout_s" -rss_limit_mb="$rss_mb"
          -artifact_prefix="$crashes/")
  dict="tests/fuzz/dict/$t.dict"
  [ -f "$dict" ] && common+=(-dict="$dict")

  # 1. Regressions: each file once. libFuzzer runs the files it is given and stops at a crash.
  shopt -s nullglob
  regressions=(tests/fuzz/regressions/"$t"/*)
  shopt -u nullglob
  if [ ${#regressions[@]} -gt 0 ]; then
    bad=()
    for f in "${regressions[@]}"; do
      if ! "$bin" "${common[@]}" "$f" >"$crashes/replay.log" 2>&1; then
        bad+=("$f")
        echo "--- $f crashes fuzz_$t again:"
        grep -E 'ERROR: |runtime error|SUMMARY|^    #[0-5] ' "$crashes/replay.log" | head -20
      fi
    done
    echo "regressions: ${#regressions[@]} replayed, ${#bad[@]} crashed"
    if [ ${#bad[@]} -gt 0 ]; then
      failed+=("fuzz_$t (regressions: ${bad[*]})")
    fi
  fi

  # 2. Fuzzing. The weights seed is the project's real weights file (too big to commit twice).
  # A fixed run writes its new inputs to a fresh directory of the run, so nothing carries over.
  if [ "$fixed" = 1 ]; then
    scratch="$crashes/new-inputs"
    mkdir -p "$scratch"
  fi
  [ "$t" = weights ] && cp -n assets/fashion_cnn.weights "$scratch/fashion_cnn.weights"
  log="$crashes/fuzz.log"
  mode=()
  if [ "$keep_going" = 1 ]; then
    mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  # libFuzzer's choices depend on more than its seed: it rereads the corpus directory every
  # second (-reload) and files the comparisons it sees by code address, which ASLR moves. With
  # neither (setarch -R, where the kernel allows it), two runs of a commit take the same path.
  launcher=()
  if [ "$fixed" = 1 ]; then
    length=(-seed=1 -runs="${fixed_runs[$t]}" -reload=0)
    setarch -R true 2>/dev/null && launcher=(setarch -R)
  else
    length=(-max_total_time="$seconds")
  fi
  start=$SECONDS
  "${launcher[@]}" "$bin" "${common[@]}" "${mode[@]}" "${length[@]}" -print_final_stats=1 \
    "$scratch" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  took=$((SECONDS - start))

  # Final figures: the stat:: lines (single process) or the last status line (fork mode).
  last=$(grep -E '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -E -n 's/^#([0-9]+).*/\1/p' <<<"$last")
  per_s=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # Fork mode prints no totals and its status lines' exec/s is per job: the run's average.
  [ -n "$per_s" ] || per_s=$(( ${execs:-0} / (took > 0 ? took : 1) ))
  cov=$(sed -E -n 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -E -n 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -E -n 's/.*corp: ([0-9]+).*/\1/p' <<<"$last")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  shopt -s nullglob
  artifacts=("$crashes"/crash-* "$crashes"/timeout-* "$crashes"/oom-* "$crashes"/leak-* \
             "$crashes"/slow-unit-*)
  shopt -u nullglob
  line="fuzz_$t: ${execs:-?} executions in ${took} s, ${per_s:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}${rss:+, peak RSS $rss MB}, crashes ${#artifacts[@]}"
  echo "$line"
  summary+=("$line")
  if [ $rc -ne 0 ] || [ ${#artifacts[@]} -gt 0 ]; then
    grep -E 'ERROR: |runtime error|SUMMARY|^    #[0-5] ' "$log" | head -30
    # One line per input: its file and what it does (crashes replayed for their sanitizer
    # summary; timeouts and out-of-memory inputs named by libFuzzer's prefix, not rerun).
    # Grouped by cause, so a campaign's hundred inputs read as its few bugs.
    declare -A group=()
    for a in "${artifacts[@]}"; do
      case "$(basename "$a")" in
        crash-*|leak-*)
          why=$("$bin" "${common[@]}" "$a" 2>&1 | grep -E -m1 '^SUMMARY: |ERROR: libFuzzer' |
                sed "s|$root/||g; s/ in *$//") ;;
        *) why="libFuzzer: $(basename "$a" | cut -d- -f1)" ;;
      esac
      echo "crash input: $a"
      group["${why:-unknown}"]+="$a "
    done
    echo "--- causes (inputs: cause, an example)"
    for why in "${!group[@]}"; do
      read -ra files <<<"${group[$why]}"
      echo "${#files[@]}: $why, e.g. ${files[0]}"
    done
    unset group
    echo "full log: $log"
    failed+=("fuzz_$t (exit $rc, ${#artifacts[@]} inputs in $crashes)")
  fi
done

echo
echo "=== summary (logs and crash inputs in $run_dir)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  echo "Replay one: build/fuzz/tests/fuzz/fuzz_TARGET FILE; keep it in tests/fuzz/regressions/TARGET/."
  exit 1
fi
echo "all ${#targets[@]} targets ran without a crash"
