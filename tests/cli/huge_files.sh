#!/usr/bin/env bash
# huge_files.sh RVBOX ELF: a sparse 3 GiB file as -initrd, raw -kernel, -dtb and
# --symbols is refused as too large, in one line with status 1, within 2 seconds: from
# its size, without reading it (reading it whole took 15 s and GBs of memory).
set -u
rvbox=$1 elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
big=$dir/huge.img
truncate -s 3G "$big" || { echo "FAIL: cannot make a sparse file"; exit 1; }
ok=0
for opt in -initrd -dtb --symbols -kernel; do
  args=(-nographic -bios none -kernel "$elf" "$opt" "$big")
  [ "$opt" = -kernel ] && args=(-nographic -bios none -kernel "$big")
  start=$(date +%s%N)
  timeout 60 "$rvbox" "${args[@]}" </dev/null >/dev/null 2>"$dir/err"
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$status" -ne 1 ] || [ "$(wc -l <"$dir/err")" -ne 1 ] ||
     ! grep -q "^rvbox: .*huge.img: too large: 3221225472 bytes do not fit" "$dir/err"; then
    echo "FAIL: $opt: status $status after $ms ms:"; cat "$dir/err"; ok=1; continue
  fi
  if [ "$ms" -ge 2000 ]; then
    echo "FAIL: $opt: refused, but after $ms ms (the file was read?)"; ok=1; continue
  fi
  echo "ok: $opt in $ms ms: $(cat "$dir/err")"
done
exit $ok
