#!/usr/bin/env bash
# rtc_wallclock.sh RVBOX GUEST_DIR: the goldfish RTC gives the host's wall clock: the
# guest's TIME_HIGH (ns since 1970 >> 32) is the host's, give or take one unit (~4.3 s).
set -u
out=$("$1" -bios none -kernel "$2/rtc_probe.elf" </dev/null 2>&1)
host=$(( $(date +%s%N) >> 32 ))
guest=$(sed -n 's/^rtc \([0-9a-f]*\)\r\?$/\1/p' <<<"$out")
[ -n "$guest" ] || { echo "FAIL: no rtc line in: $out"; exit 1; }
guest=$(( 16#$guest ))
diff=$(( host - guest ))
if [ "${diff#-}" -gt 1 ]; then
  echo "FAIL: guest RTC high word $guest, host $host"; exit 1
fi
echo "ok: RTC high word $guest, host $host"
