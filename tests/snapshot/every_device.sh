#!/usr/bin/env bash
# every_device.sh RVBOX ELF: the machine rvbox builds, with every device it can have
# (two disks, one read-only; the framebuffer, keyboard and tablet; HTIF, since ELF has a
# `tohost`; semihosting), taken by the monitor's savevm, loaded back and deleted: a
# device added to the board without snapshot support makes savevm fail here, naming it
# (machine_snapshot_check). Twice: legacy virtio and QEMU's PLIC gateway on the host's
# clock; modern virtio, the strict PLIC and the instruction clock. The commands come
# from a pipe, never from the test's own stdin.
set -u
rvbox=$1 elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
truncate -s 1M "$dir/d0.img" "$dir/d1.img"
status=0
for extra in "" "--virtio-version 2 --strict-plic -icount shift=2"; do
  rm -f "$dir"/*.rvsnap
  # shellcheck disable=SC2086
  printf 'savevm all\ninfo snapshots\nloadvm all\ndelvm all\ninfo snapshots\nquit\n' |
    timeout 60 "$rvbox" -bios none -kernel "$elf" -nographic -serial none -monitor stdio \
      -drive "file=$dir/d0.img,format=raw" -drive "file=$dir/d1.img,format=raw,readonly=on" \
      -g 320x200 -semihosting --snapshot-dir "$dir" $extra >"$dir/out" 2>&1
  rc=$?
  if [ $rc -ne 0 ] || grep -q 'Error' "$dir/out" ||
     ! grep -qE '^1 +all ' "$dir/out" || ! grep -q 'There is no snapshot available' "$dir/out"
  then
    echo "FAIL (options: ${extra:-none}; exit status $rc):"
    cat "$dir/out"
    status=1
  fi
done
[ $status -eq 0 ] && echo "ok"
exit $status
