#!/usr/bin/env bash
# boot_test.sh GUEST RVBOX IMAGES: snapshots of a booted guest (tests/snapshot/boot.exp),
# then rvbox started from one (-loadvm) and ended every way (SIGTERM, the guest's
# poweroff, Ctrl-A x), every kind of bad snapshot file refused, and -snapshot.
#   GUEST linux: IMAGES is the `linux` target's directory (Image, initramfs.cpio.gz,
#         disk.img; skipped, 77, without them); the guest boots on a copy of disk.img,
#         the snapshot file beside it (the default place)
#   GUEST kite: IMAGES is Kite's disk image (build/kite-disk.img); first the built-in
#         guest on its disk in memory (--snapshot-dir: the file in the scratch
#         directory), whose snapshots a later run refuses (its writes are gone), then
#         the same on a copy of the image
# Each refusal: -loadvm exits non-zero with the reason in one line; the monitor's
# loadvm says it and the guest runs on. Nothing reads the test's own stdin.
set -u
guest=$1 rvbox=$2 images=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
exec </dev/null

fail() {
  echo "FAIL: $*"
  exit 1
}

# session|start|refused DISK ARGS...: boot.exp on rvbox ARGS...
scenario() {
  local s=$1 disk=$2
  shift 2
  expect -f "$here/boot.exp" "$s" "$guest" "$dir" "$disk" "$rvbox" "$@" ||
    fail "scenario $s"
}

# -loadvm NAME must fail: exit status non-zero, PATTERN in one line of stderr.
loadvm_refused() {
  local name=$1 pattern=$2
  shift 2
  timeout 60 "$rvbox" "$@" -loadvm "$name" >"$dir/out" 2>"$dir/err"
  local rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 124 ] || ! grep -qE -- "$pattern" "$dir/err"; then
    echo "FAIL: rvbox $* -loadvm $name: exit status $rc, wanted non-zero and /$pattern/:"
    cat "$dir/err"
    exit 1
  fi
  echo "refused as it should: $(grep -E -- "$pattern" "$dir/err")"
}

# The bad files, from the good one at $1: each given to a -loadvm run and to the
# monitor's loadvm (ARGS: the guest's command line), the good file back after.
refusals() {
  local file=$1 size
  shift
  cp "$file" "$dir/good.rvsnap"
  # The image as the good file knows it: the runs below boot the guest with a file that
  # cannot record what it writes (Kite writes its log's header at every boot), so both
  # are put back together at the end.
  local image=${file%.rvsnap}
  [ -f "$image" ] && cp -p "$image" "$dir/good.img"
  size=$(stat -c %s "$file")
  # A byte in the middle (the snapshot's RAM) flipped.
  python3 - "$file" "$((size / 2))" <<'EOF'
import sys
path, at = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(at)
    b = f.read(1)
    f.seek(at)
    f.write(bytes([b[0] ^ 0x40]))
EOF
  loadvm_refused base 'rvbox: -loadvm base: .*(damaged|checksum)' "$@"
  scenario refused "-" "$@"
  # Cut short, as by a save that never finished.
  head -c "$((size * 2 / 3))" "$dir/good.rvsnap" >"$file"
  loadvm_refused base 'rvbox: -loadvm base: .*cut short' "$@"
  scenario refused "-" "$@"
  # The machine is not the one the file is of: another RAM size.
  cp "$dir/good.rvsnap" "$file"
  loadvm_refused base \
    'configured otherwise: the snapshot has ram=134217728, this machine ram=268435456' \
    "$@" -m 256M
  # The good file loads again.
  cp "$dir/good.rvsnap" "$file"
  [ -f "$dir/good.img" ] && cp -p "$dir/good.img" "$image"
  return 0
}

transient='cannot put disk 0 back: it was saved by a run that kept the disk.s writes in memory only'

# On an image (ARGS: the guest's command line, its -drive IMAGE): session; -loadvm ended
# by SIGTERM; the refusals; -loadvm ended by the guest's poweroff, then by Ctrl-A x (each
# run writes a file after its checks, which the next -loadvm must undo: every way out
# writes the disks' state down); a -snapshot run with snapshots of its own, and one
# started from the image's snapshot, after which the image's still load and the
# -snapshot run's are refused.
on_image() {
  local image=$1
  shift
  scenario session "$image" "$@"
  [ -f "$image.rvsnap" ] || fail "no snapshot file beside the disk"
  SNAPEND=term scenario start "$image" "$@" -loadvm base
  refusals "$image.rvsnap" "$@"
  SNAPEND=poweroff scenario start "$image" "$@" -loadvm base
  scenario start "$image" "$@" -loadvm base
  SNAPNAME=volatile scenario session "-" "$@" -snapshot
  scenario start "-" "$@" -snapshot -loadvm base
  scenario start "$image" "$@" -loadvm base
  loadvm_refused volatile "$transient" "$@"
}

case $guest in
  linux)
    for f in Image initramfs.cpio.gz disk.img; do
      [ -f "$images/$f" ] || {
        echo "skipped: $images/$f is missing (cmake --build build --target linux)"; exit 77; }
    done
    cp "$images/disk.img" "$dir/disk.img"
    args=(-nographic -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz"
          -append console=ttyS0 -drive "file=$dir/disk.img,format=raw")
    on_image "$dir/disk.img" "${args[@]}"
    ;;
  kite)
    [ -f "$images" ] || fail "no Kite disk image at $images"
    # The built-in guest: its disk in memory.
    mkdir "$dir/builtin"
    scenario session "-" -nographic --snapshot-dir "$dir/builtin"
    [ -f "$dir/builtin/rvbox.rvsnap" ] || fail "no rvbox.rvsnap in --snapshot-dir"
    loadvm_refused base "$transient" -nographic --snapshot-dir "$dir/builtin"
    # On an image of its disk: -loadvm across runs.
    cp "$images" "$dir/kite.img"
    args=(-nographic -drive "file=$dir/kite.img,format=raw")
    on_image "$dir/kite.img" "${args[@]}"
    ;;
  *) fail "unknown guest $guest" ;;
esac
echo "ok"
