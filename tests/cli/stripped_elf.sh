#!/usr/bin/env bash
# stripped_elf.sh OBJCOPY RVBOX ELF: an ELF with no symbol table at all (objcopy
# --strip-all) runs cleanly (it once made the sanitizer build abort on qsort(NULL, 0)),
# and as --symbols it gets one clear line. ELF must end on its own with status 0.
set -u
objcopy=$1 rvbox=$2 elf=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
stripped=$dir/stripped.elf
"$objcopy" --strip-all "$elf" "$stripped" || { echo "FAIL: objcopy"; exit 1; }

timeout 20 "$rvbox" -nographic -bios none -kernel "$stripped" </dev/null >"$dir/out" 2>&1
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: status $status running the stripped ELF"; cat "$dir/out"; exit 1; }
echo "ok: the stripped ELF ran"

timeout 20 "$rvbox" -nographic -bios none -kernel "$elf" --symbols "$stripped" \
  </dev/null >/dev/null 2>"$dir/err"
status=$?
[ "$status" -eq 1 ] && [ "$(wc -l <"$dir/err")" -eq 1 ] &&
  grep -q "^rvbox: --symbols .*: no symbol table" "$dir/err" ||
  { echo "FAIL: --symbols on a stripped ELF: status $status"; cat "$dir/err"; exit 1; }
echo "ok: $(cat "$dir/err")"
