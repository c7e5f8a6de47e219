#!/usr/bin/env bash
# labs_test.sh SRC RVBOX [LAB...]: each of Kite's labs (guest-os/labs/) must fail its
# grader (`make grade LAB=...`) on the starting point, and pass it once the lab's
# reference solution (labs/solutions/LAB.patch) is applied. Works in a clean copy of
# the tree (guest-os/, bus/memmap.h, firmware/), one lab after another: the solution
# is taken back out before the next. Without LAB arguments, every lab with a grader.
set -u
src=$1 rvbox=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$dir/bus"
cp -r "$src/guest-os" "$src/firmware" "$dir/"
cp "$src/bus/memmap.h" "$dir/bus/"
k="$dir/guest-os"
rm -rf "$k/out" "$k/out-debug" "$k/.gdbinit"
labs=("$@")
[ ${#labs[@]} -gt 0 ] || labs=($(cd "$k/labs" && ls -d */ | tr -d / | while read l; do
    [ -f "$l/checks.py" ] && echo "$l"; done))
nice make -C "$k" -s -j2 RVBOX="$rvbox" > "$dir/make.log" 2>&1 ||
    { cat "$dir/make.log"; fail "make"; }

for lab in "${labs[@]}"; do
    patch="$k/labs/solutions/$lab.patch"
    [ -f "$patch" ] || fail "$lab: no solution ($patch)"
    echo "== $lab: the starting point must fail"
    if nice make -C "$k" -s grade LAB="$lab" RVBOX="$rvbox" > "$dir/$lab-start.log" 2>&1; then
        cat "$dir/$lab-start.log"
        fail "$lab: the grader passes on the starting point"
    fi
    grep "checks passed" "$dir/$lab-start.log" ||
        { cat "$dir/$lab-start.log"; fail "$lab: the grader did not run"; }
    echo "== $lab: the solution must pass"
    (cd "$k" && patch -s -p1 < "$patch") || fail "$lab: the solution does not apply"
    nice make -C "$k" -s grade LAB="$lab" RVBOX="$rvbox" > "$dir/$lab-solution.log" 2>&1 ||
        { cat "$dir/$lab-solution.log"; fail "$lab: the grader fails with the solution"; }
    grep "checks passed" "$dir/$lab-solution.log"
    (cd "$k" && patch -s -R -p1 < "$patch") || fail "$lab: the solution does not come out"
done
echo "PASS"
