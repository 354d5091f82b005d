#!/usr/bin/env bash
# Mutation testing of the modules that issue 13 measured, each against its own tests.
# Not part of CI's default run (it takes minutes per module). Needs `pip install mutmut`
# (3.x). Usage: tools/mutation.sh [module ...]   e.g. tools/mutation.sh evaluate models/majority
# Prints a table: killed / survived / no tests, and the score killed / (killed + survived).
# Each module runs in a scratch copy of the repo, so the working tree is never touched.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
declare -A TESTS=(
  [evaluate]="tests/mutants tests/models/test_majority.py tests/test_benchmark.py tests/review/test_store.py"
  [analysis/summary]="tests/mutants tests/analysis"
  [models/majority]="tests/mutants tests/models/test_majority.py"
  [models/base]="tests/mutants tests/models/test_majority.py tests/models/test_snorkel_ports.py"
  [review/queue]="tests/mutants tests/review/test_queue.py"
  [review/store]="tests/mutants tests/review/test_store.py"
)
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(evaluate analysis/summary models/majority models/base review/queue review/store)
printf "%-20s %7s %8s %8s %6s\n" module killed survived notests score
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
  res="$(cd "$work" && mutmut results --all true 2>/dev/null || true)"
  killed=$(grep -c ": killed" <<<"$res" || true)
  survived=$(grep -c ": survived" <<<"$res" || true)
  notests=$(grep -c ": no tests" <<<"$res" || true)
  score=$(python3 -c "k,s=$killed,$survived; print(f'{100*k/(k+s):.0f}%' if k+s else '-')")
  printf "%-20s %7s %8s %8s %6s\n" "$mod" "$killed" "$survived" "$notests" "$score"
  (cd "$work" && grep ": survived" <<<"$res" | sed 's/^/    /') > "/tmp/mutation-$(echo "$mod" | tr / _).survivors" || true
  rm -rf "$work"
done
