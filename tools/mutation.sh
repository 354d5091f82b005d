#!/usr/bin/env bash
# Mutation testing of the modules that issue 13 measured, each against its own tests.
# Not part of CI's default run (it takes minutes per module). Needs `pip install mutmut`
# (3.x). Usage: tools/mutation.sh [module ...]   e.g. tools/mutation.sh evaluate models/majority
# Prints a table: killed / survived / no tests / message mutants (left aside, see
# tools/mutation_kinds.py), and the score killed / (killed + survived + no tests) over code
# mutants (a timeout counts as killed).
# The surviving code mutants' diffs go to /tmp/mutation-<module>.survivors.
# Each module runs in a scratch copy of the repo, so the working tree is never touched.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
declare -A TESTS=(
  [evaluate]="tests/test_evaluate_metrics_by_hand.py tests/test_evaluate_agreement_by_hand.py tests/test_orderings_and_filters.py tests/models/test_majority.py tests/test_benchmark.py tests/review/test_store.py"
  [analysis/summary]="tests/test_orderings_and_filters.py tests/analysis"
  [models/majority]="tests/test_evaluate_agreement_by_hand.py tests/models/test_majority.py"
  [models/base]="tests/models/test_base_by_hand.py tests/models/test_majority.py tests/models/test_snorkel_ports.py"
  [review/queue]="tests/review/test_queue_by_hand.py tests/review/test_queue.py"
  [review/store]="tests/review/test_store_by_hand.py tests/test_orderings_and_filters.py tests/review/test_store.py"
)
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(evaluate analysis/summary models/majority models/base review/queue review/store)
printf "%-20s %7s %8s %8s %8s %6s\n" module killed survived notests messages score
for mod in "${modules[@]}"; do
  work="$(mktemp -d)"
  (cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$work")  # the tracked files only
  {
    echo "[mutmut]"
    echo "source_paths ="
    echo "    weaklabel/$mod.py"
    echo "pytest_add_cli_args_test_selection ="
    for t in ${TESTS[$mod]}; do echo "    $t"; done
    echo "pytest_add_cli_args ="
    echo "    -p"
    echo "    no:cacheprovider"
    echo "also_copy ="
    echo "    weaklabel"
    echo "    lfs"
    echo "    apps"
    echo "    tests"
  } > "$work/setup.cfg"
  (cd "$work" && mutmut run > "$work/mutmut.log" 2>&1 || true)
  # Sort each mutant into code or message (tools/mutation_kinds.py); messages are left aside.
  kinds="$(cd "$work" && python "$repo/tools/mutation_kinds.py")"
  echo "$kinds" > "/tmp/mutation-$(echo "$mod" | tr / _).kinds"
  killed=$(grep -cE " (killed|timeout) code$" <<<"$kinds" || true)
  survived=$(grep -c " survived code$" <<<"$kinds" || true)
  notests=$(grep -c " no_tests code$" <<<"$kinds" || true)
  messages=$(grep -c " message$" <<<"$kinds" || true)
  # a mutant no test reaches is a survivor too
  score=$(python3 -c "k,s=$killed,$survived+$notests; print(f'{100*k/(k+s):.0f}%' if k+s else '-')")
  printf "%-20s %7s %8s %8s %8s %6s\n" "$mod" "$killed" "$survived" "$notests" "$messages" "$score"
  survivors="/tmp/mutation-$(echo "$mod" | tr / _).survivors"
  : > "$survivors"
  for name in $(grep -E " (survived|no_tests) code$" <<<"$kinds" | cut -d' ' -f1); do
    (cd "$work" && mutmut show "$name") >> "$survivors" 2>/dev/null || true
  done
  if [ -n "${KEEP:-}" ]; then echo "    kept $work" >&2; else rm -rf "$work"; fi
done
