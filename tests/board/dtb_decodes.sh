#!/usr/bin/env bash
# dtb_decodes.sh RVBOX ARGS...: rvbox --dump-dtb writes the generated device tree, and
# dtc decodes it without a single warning.
set -eu
rvbox=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$rvbox" "$@" --dump-dtb "$dir/virt.dtb" </dev/null
dtc -I dtb -O dts -o "$dir/virt.dts" "$dir/virt.dtb" 2>"$dir/warnings"
if [ -s "$dir/warnings" ]; then
  echo "FAIL: dtc warned:"; cat "$dir/warnings"; exit 1
fi
grep -q 'bootargs = "console=ttyS0 quiet"' "$dir/virt.dts" || { echo "FAIL: no bootargs"; exit 1; }
grep -q 'compatible = "ns16550a"' "$dir/virt.dts" || { echo "FAIL: no UART"; exit 1; }
echo "ok: $(wc -l <"$dir/virt.dts") lines of dts, no warnings"
