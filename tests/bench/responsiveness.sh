#!/usr/bin/env bash
# responsiveness.sh [--build DIR] [--skip-linux]: how promptly the host side serves the
# guest, on rvbox and, where it can run the same guest, on qemu-system-riscv32 -M virt, in
# one run. A script that prints numbers, not a test. It prints:
#
#   - timer ticks (tests/timing: 2,000 at 1 kHz): median and 99th-percentile lateness
#     and spacing error in microseconds, for a guest that spins and one that waits in WFI,
#     on a quiet host and with a busy process beside it;
#   - a 64 KiB paste into Kite's and Linux's `cat` over the serial console: seconds until
#     the last line came back (tests/console/paste.py);
#   - Ctrl-A x and SIGTERM under a guest that keeps the disk busy with huge reads
#     (tests/virtio storm guest): milliseconds until the emulator has exited.
#
# It needs a configured and built tree (default build/) and, for Linux, the `linux` target.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$top/build
linux=1
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --skip-linux) linux=0; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--build DIR] [--skip-linux]" >&2; exit 2 ;;
    esac
done
rvbox=$build/rvbox
g=$build/guests
fw=$g/firmware/rvbox-fw.elf
[ -x "$rvbox" ] || { echo "no $rvbox: build first (cmake --build $build)" >&2; exit 1; }
qemu=qemu-system-riscv32
have_qemu=0
command -v $qemu >/dev/null && have_qemu=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== timer ticks, 1 kHz, microseconds (late: after the deadline; dev: spacing error)"
printf '%-7s %-5s %-6s %9s %9s %9s %9s\n' engine guest host late_p50 late_p99 dev_p50 dev_p99
ticks() {   # ticks NAME GUEST HOST CMD...
    local name=$1 kind=$2 host=$3 line; shift 3
    local load=()
    [ "$host" = loaded ] && load=(--load)
    line=$("$top/tests/timing/ticks.sh" "${load[@]}" -- "$@" | grep '^ticks ')
    if [ -z "$line" ]; then
        printf '%-7s %-5s %-6s %s\n' "$name" "$kind" "$host" failed
        return
    fi
    sed -E 's/.*late_us p50=([0-9]+) p99=([0-9]+).*dev_us p50=([0-9]+) p99=([0-9]+).*/\1 \2 \3 \4/' \
        <<<"$line" | {
        read -r lp50 lp99 dp50 dp99
        printf '%-7s %-5s %-6s %9s %9s %9s %9s\n' "$name" "$kind" "$host" "$lp50" "$lp99" "$dp50" "$dp99"
    }
}
for host in quiet loaded; do
    for kind in busy idle; do
        elf=$g/timing/ticks-$kind.elf
        ticks rvbox $kind $host "$rvbox" -bios none -nographic -kernel "$elf"
        [ $have_qemu = 1 ] && ticks qemu $kind $host $qemu -M virt -bios none -nographic -kernel "$elf"
    done
done

echo
echo "== 64 KiB pasted into cat over the serial console, seconds to the last line's echo"
paste_time() {   # paste_time NAME PROMPT CMD...
    local name=$1 prompt=$2 out; shift 2
    out=$(python3 "$top/tests/console/paste.py" --prompt "$prompt" --limit 60 -- "$@" 2>&1)
    local t
    t=$(sed -n 's/^paste: [0-9]* bytes in \([0-9.]*\) s.*/\1/p' <<<"$out")
    grep -q 'lost\|came back' <<<"$out" && t="$t (lines lost)"
    printf '%-14s %s\n' "$name" "${t:-failed}"
}
cp "$build/kite-disk.img" "$tmp/kite.img"
paste_time "rvbox kite" 'kite\$ ' "$rvbox" -nographic -drive "file=$tmp/kite.img,format=raw"
if [ $have_qemu = 1 ]; then
    paste_time "qemu kite" 'kite\$ ' $qemu -M virt -m 128M -nographic -bios "$fw" \
        -kernel "$g/guest-os/kite.elf" \
        -drive "file=$tmp/kite.img,format=raw,if=none,id=d" -device virtio-blk-device,drive=d
fi
L=$build/roms/linux
if [ $linux = 1 ] && [ -f "$L/Image" ]; then
    linux_args=(-kernel "$L/Image" -initrd "$L/initramfs.cpio.gz" -append console=ttyS0)
    paste_time "rvbox linux" '# ' "$rvbox" -nographic "${linux_args[@]}"
    [ $have_qemu = 1 ] && paste_time "qemu linux" '# ' $qemu -M virt -m 128M -nographic \
        -bios "$fw" "${linux_args[@]}"
elif [ $linux = 1 ]; then
    echo "linux: no images in $L (cmake --build $build --target linux): skipped"
fi

echo
echo "== leaving during a disk storm (124 MiB virtio reads, forever), milliseconds until exit"
storm=$top/tests/board/dma_storm.sh
if [ -f "$g/board/dma_storm.elf" ]; then
    for how in quit term; do
        printf '%-7s %-5s %s\n' rvbox $how \
            "$("$storm" "$rvbox" "$g/board" $how 600000 | sed -n 's/.* in \([0-9]*\) ms.*/\1/p')"
        [ $have_qemu = 1 ] && printf '%-7s %-5s %s\n' qemu $how \
            "$("$storm" --qemu $qemu "$g/board" $how 600000 | sed -n 's/.* in \([0-9]*\) ms.*/\1/p')"
    done
else
    echo "no $g/board/dma_storm.elf: skipped"
fi
