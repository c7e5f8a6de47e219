#!/usr/bin/env bash
# snapshot.sh [--runs N] [--build DIR] [--mem SIZE] [IMAGES_DIR...]: how long the
# monitor's savevm and loadvm take on Linux at its shell prompt, and how large the
# snapshot file is. Boots each IMAGES_DIR's kernel (default: build/roms/linux, the
# trimmed kernel, and build/roms/linux/defconfig, the plain rv32_defconfig one) with
# 128 MiB of RAM (--mem) on a copy of its disk, mounted, to the prompt; then Ctrl-A c and
# savevm, loadvm, savevm (the same name again: replaced), each timed from the command
# sent to the monitor's next prompt. Prints seconds (the best of N runs) and the file's
# size. A script that prints numbers, not a test; targets (issue 17): under 0.5 s each,
# under 30 MB. See README.md.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=1 build=$top/build mem=128M
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --build) build=$2; shift 2 ;;
  --mem) mem=$2; shift 2 ;;
  *) break ;;
  esac
done
[ $# -gt 0 ] || set -- "$build/roms/linux" "$build/roms/linux/defconfig"
rvbox=$build/rvbox
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exec </dev/null

# One run: prints "savevm S loadvm S resave S" (seconds); the file stays in $tmp.
cat >"$tmp/snap.exp" <<'EXP'
set timeout 300
log_user 0
spawn -noecho {*}$argv
proc want {pattern what} {
  expect {
    -re $pattern {}
    timeout { puts "timeout: $what"; exit 1 }
    eof { puts "eof: $what"; exit 1 }
  }
}
want "\n# $" "boot"
send "mount -t ext2 /dev/vda /mnt\r"
want "\n# $" "mount"
send "\001c"
want {\(rvbox\) $} "Ctrl-A c"
# mon LINE: seconds from the line sent to the next prompt (an error fails the run).
proc mon {line} {
  set start [clock microseconds]
  send "$line\r"
  expect {
    -re {Error: [^\r\n]*} { puts "$line: $expect_out(0,string)"; exit 1 }
    -re {\(rvbox\) $} {}
    timeout { puts "timeout: $line"; exit 1 }
    eof { puts "eof: $line"; exit 1 }
  }
  return [format "%.3f" [expr {([clock microseconds] - $start) / 1e6}]]
}
set s [mon "savevm bench"]
set l [mon "loadvm bench"]
set r [mon "savevm bench"]
puts "savevm $s loadvm $l resave $r"
send "quit\r"
expect eof
EXP

min() { echo "$1 $2" | awk '{ print ($2 == "" || $1 < $2) ? $1 : $2 }'; }

for images in "$@"; do
  for f in "$images/Image" "$images/initramfs.cpio.gz" "$images/disk.img" "$rvbox"; do
    [ -f "$f" ] || { echo "missing $f (cmake --build build --target linux linux-defconfig)" >&2; exit 1; }
  done
  bs="" bl="" br="" size=0
  for _ in $(seq "$runs"); do
    cp "$images/disk.img" "$tmp/disk.img"
    rm -f "$tmp/disk.img.rvsnap"
    out=$(expect -f "$tmp/snap.exp" -- "$rvbox" -nographic -m "$mem" -kernel "$images/Image" \
          -initrd "$images/initramfs.cpio.gz" -append console=ttyS0 \
          -drive "file=$tmp/disk.img,format=raw") || { echo "failed: $out" >&2; exit 1; }
    read -r _ s _ l _ r <<<"$out"
    bs=$(min "$s" "$bs") bl=$(min "$l" "$bl") br=$(min "$r" "$br")
    size=$(stat -c %s "$tmp/disk.img.rvsnap")
  done
  name=$(basename "$images")
  [ "$name" = linux ] && name=trimmed
  echo "snapshot of Linux at its prompt: $name kernel, $mem RAM, best of $runs"
  printf "  savevm         %7s s\n" "$bs"
  printf "  loadvm         %7s s\n" "$bl"
  printf "  savevm again   %7s s   (replacing it)\n" "$br"
  printf "  file          %8.1f MB  (%d bytes, after the second savevm compacted it)\n" \
    "$(echo "$size / 1000000" | bc -l)" "$size"
done
