#!/usr/bin/env bash
# rvbox's benchmark: run tests/bench's compute programs (bench.c, bench2.c) on rvbox and
# on qemu-system-riscv32 in one go, time each run (wall clock), and print a table per
# program:
#
#   engine       wall_s      instret     MIPS  checksum
#
# MIPS = instructions / wall seconds. The run fails (exit 1) if any run fails or the
# engines disagree on the checksum. See tests/bench/README.md.
set -uo pipefail

# Which ELF rvbox runs: "htif" (console and exit through tohost) until rvbox has a UART
# and syscon; then "virt", the same ELF that QEMU runs. Switch it here or in the
# environment (RVBOX_BENCH_CONSOLE=virt).
RVBOX_CONSOLE=${RVBOX_BENCH_CONSOLE:-htif}

# qemu-icount's minstret minus rvbox's at the end of a program: both run QEMU's 6-instruction
# reset vector, and QEMU's csrr minstret counts itself (README.md).
instret_skew=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
runs=1
rvbox=""
qemu="qemu-system-riscv32"
rvbox_elf=""
qemu_elf=""
program=""
accels="jit"
rvbox_timeout=600
qemu_timeout=120

usage() {
    cat <<EOF
usage: $0 [options]
  --runs N          run each engine N times, keep the fastest (default $runs)
  --program P       which program: bench, bench2 or all (default all; bench when an
                    ELF is given)
  --accel LIST      rvbox's engines to time, comma-separated: jit, interp, step
                    (default jit); each is a row rvbox-ENGINE
  --rvbox PATH      the rvbox binary (default BUILD/rvbox)
  --qemu PATH       the QEMU binary (default $qemu)
  --build DIR       the build tree (default $build)
  --rvbox-elf PATH  the program rvbox runs (default BUILD/guests/bench/P-$RVBOX_CONSOLE.elf)
  --qemu-elf PATH   the program QEMU runs (default BUILD/guests/bench/P-virt.elf)
  --timeout S       give up on an rvbox run after S seconds (default $rvbox_timeout;
                    QEMU gets $qemu_timeout)
Unless an ELF is given, it first runs 'cmake --build BUILD' to bring everything up to date.
EOF
}

die() {
    echo "run.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --program) program=${2:?}; shift 2 ;;
    --accel) accels=${2:?}; shift 2 ;;
    --rvbox) rvbox=${2:?}; shift 2 ;;
    --qemu) qemu=${2:?}; shift 2 ;;
    --build) build=${2:?}; shift 2 ;;
    --rvbox-elf) rvbox_elf=${2:?}; shift 2 ;;
    --qemu-elf) qemu_elf=${2:?}; shift 2 ;;
    --timeout) rvbox_timeout=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) die "--runs wants a positive number, not '$runs'" ;; esac
case $RVBOX_CONSOLE in htif | virt) ;; *) die "RVBOX_BENCH_CONSOLE must be htif or virt" ;; esac
# An ELF given on the command line is one program's: bench's unless --program says.
if [ -n "$rvbox_elf" ] || [ -n "$qemu_elf" ]; then
    case ${program:-bench} in
    bench | bench2) program=${program:-bench} ;;
    all) die "--rvbox-elf and --qemu-elf are one program's: say --program bench or bench2" ;;
    *) die "--program wants bench, bench2 or all, not '$program'" ;;
    esac
    programs=("$program")
else
    case ${program:-all} in
    bench | bench2) programs=("$program") ;;
    all) programs=(bench bench2) ;;
    *) die "--program wants bench, bench2 or all, not '$program'" ;;
    esac
fi

if [ -z "$rvbox_elf" ] && [ -z "$qemu_elf" ]; then
    [ -f "$build/CMakeCache.txt" ] || die "no build tree in $build: run 'cmake -S . -B build' first"
    echo "building: cmake --build $build -j2" >&2
    if ! log=$(cmake --build "$build" -j2 2>&1); then
        printf '%s\n' "$log" | tail -n 30 >&2
        die "the build failed"
    fi
fi
rvbox=${rvbox:-$build/rvbox}
have_qemu=0
if command -v "$qemu" >/dev/null 2>&1; then
    have_qemu=1
else
    echo "qemu: $qemu is not installed: skipped" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# Run one command once, stdin closed, under a time limit. On success sets run_wall
# (seconds), run_instret and run_checksum from its BENCH line; on failure says why.
run_once() {
    local name=$1 limit=$2
    shift 2
    local start end rc=0 line
    start=$(date +%s.%N)
    timeout -k 5 "$limit" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
    end=$(date +%s.%N)
    line=$(tr -d '\r' <"$tmp/out" | grep -m1 '^BENCH ')
    if [ "$rc" -ne 0 ] || [[ $line != "BENCH instret="* ]]; then
        if [ "$rc" -eq 124 ]; then
            echo "$name: timed out after ${limit}s" >&2
        else
            echo "$name: failed (exit status $rc)" >&2
        fi
        echo "  command: $*" >&2
        tail -n 5 "$tmp/out" "$tmp/err" | sed 's/^/  /' >&2
        return 1
    fi
    run_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    run_instret=$(sed -n 's/.*instret=\([0-9]*\).*/\1/p' <<<"$line")
    run_checksum=$(sed -n 's/.*checksum=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
}

# Run an engine `runs` times and keep the fastest; every run must print the same
# checksum. Records the result in the engines/wall/instret/checksum arrays.
bench_engine() {
    local name=$1 limit=$2
    shift 2
    local best="" best_instret="" sum="" i
    for ((i = 1; i <= runs; i++)); do
        if ! run_once "$name" "$limit" "$@"; then
            failed=1
            return 1
        fi
        if [ -n "$sum" ] && [ "$run_checksum" != "$sum" ]; then
            echo "$name: checksum changed between runs ($sum, then $run_checksum)" >&2
            failed=1
        fi
        sum=$run_checksum
        if [ -z "$best" ] || awk -v a="$run_wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$run_wall
            best_instret=$run_instret
        fi
    done
    engines+=("$name")
    walls+=("$best")
    instrets+=("$best_instret")
    checksums+=("$sum")
}

# One program: run every engine on it, print its table, compare the engines. Within,
# failed is this program's; on the way out, any failure is kept in the global one.
bench_program() {
    local name=$1 rvbox_elf=$2 qemu_elf=$3 failed_before=$failed
    local i first rv qi count mark mips reference borrowed
    failed=0
    engines=() walls=() instrets=() checksums=()

    # rvbox: -bios none runs the program directly, in M-mode; once per engine asked for.
    if [ -x "$rvbox" ]; then
        [ -f "$rvbox_elf" ] || die "no $rvbox_elf (is tests/bench in the guest build?)"
        local accel
        for accel in ${accels//,/ }; do
            bench_engine "rvbox-$accel" "$rvbox_timeout" "$rvbox" -accel "$accel" -bios none \
                -kernel "$rvbox_elf"
        done
    else
        echo "rvbox: not found at $rvbox" >&2
        failed=1
    fi

    # QEMU twice: plain TCG, its real speed (but without -icount its minstret counts host
    # time, not instructions); and with -icount shift=0,sleep=off, where minstret counts
    # instructions, deterministically (sleep=on adds clock warps to it).
    if [ $have_qemu -eq 1 ]; then
        [ -f "$qemu_elf" ] || die "no $qemu_elf (is tests/bench in the guest build?)"
        qemu_args=(-M virt -bios none -nographic -kernel "$qemu_elf")
        bench_engine qemu "$qemu_timeout" "$qemu" "${qemu_args[@]}"
        bench_engine qemu-icount "$qemu_timeout" "$qemu" "${qemu_args[@]}" -icount shift=0,sleep=off
    fi

    # The instruction count that MIPS divides: each engine's own minstret, except plain
    # QEMU's, which is not a count: it borrows QEMU -icount's (same program, same engine).
    reference=""
    for ((i = 0; i < ${#engines[@]}; i++)); do
        [ "${engines[i]}" = qemu-icount ] && reference=${instrets[i]}
    done

    borrowed=0
    if [ ${#engines[@]} -gt 0 ]; then
        echo
        echo "$name: tests/bench/$name.c"
        printf '%-12s %8s %12s %9s  %s\n' engine wall_s instret MIPS checksum
        for ((i = 0; i < ${#engines[@]}; i++)); do
            count=${instrets[i]} mark=" "
            if [ "${engines[i]}" = qemu ]; then
                count=$reference mark="*"
                borrowed=1
            fi
            if [ -n "$count" ]; then
                mips=$(awk -v n="$count" -v t="${walls[i]}" 'BEGIN { printf "%.1f", n / t / 1e6 }')
            else
                count=- mips=-
            fi
            printf '%-12s %8s %11s%s %9s  %s\n' "${engines[i]}" "${walls[i]}" "$count" "$mark" \
                "$mips" "${checksums[i]}"
        done
        if [ $borrowed -eq 1 ]; then
            echo "* plain QEMU's minstret counts host time: instret taken from qemu-icount."
        fi
    fi

    # The checksums must agree; the instruction counts should, to within QEMU's reset vector.
    first=""
    for ((i = 0; i < ${#engines[@]}; i++)); do
        if [ -z "$first" ]; then
            first=${checksums[i]}
        elif [ "${checksums[i]}" != "$first" ]; then
            echo "CHECKSUM MISMATCH: ${engines[0]} says $first, ${engines[i]} says ${checksums[i]}"
            failed=1
        fi
    done
    if [ ${#engines[@]} -gt 1 ] && [ $failed -eq 0 ]; then
        echo "checksums agree: $first"
    fi
    rv="" qi=""
    for ((i = 0; i < ${#engines[@]}; i++)); do
        case ${engines[i]} in
        rvbox-*)
            # Every rvbox engine must count the same instructions.
            if [ -n "$rv" ] && [ "${instrets[i]}" != "$rv" ]; then
                echo "INSTRET MISMATCH: rvbox engines counted $rv and ${instrets[i]}"
                failed=1
            fi
            rv=${instrets[i]} ;;
        qemu-icount) qi=${instrets[i]} ;;
        esac
    done
    if [ -n "$rv" ] && [ -n "$qi" ] && [ $failed -eq 0 ]; then
        echo "instret: qemu-icount - rvbox = $((qi - rv)) ($instret_skew expected: see README.md)"
    fi
    [ $failed_before -eq 0 ] || failed=1
}

# (An ELF given on the command line comes with a single program.)
for name in "${programs[@]}"; do
    bench_program "$name" "${rvbox_elf:-$build/guests/bench/$name-$RVBOX_CONSOLE.elf}" \
        "${qemu_elf:-$build/guests/bench/$name-virt.elf}"
done

if [ $failed -ne 0 ]; then
    echo "FAILED" >&2
    exit 1
fi
