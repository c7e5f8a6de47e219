#!/usr/bin/env bash
# kite_test.sh SCENARIO RVBOX DISK [TOOL]: runs one scenario of kite.exp on a fresh copy
# of Kite's disk image (build/kite-disk.img), headless.
#   persist   runs `persist`, then `persist2` on the same disk: a second rvbox run
#   noargs    rvbox with no arguments at all (Kite built in, its disk in memory), with
#             SDL's dummy video driver so the window opens without a display
#   qemu      the same kernel, firmware and disk on qemu-system-riscv32 -M virt (TOOL:
#             the guest build directory); exits 77, skipped, without QEMU
#   window    in rvbox's real window under a private Xvfb (TOOL: with_xvfb.sh)
#   screen    also takes a screenshot at exit and checks the console is drawn on it (TOOL:
#             screen_check)
#   pipes, dirs, stress  then checks the disk with kite-fsck (TOOL)
#   stress-smp  the stress scenario on 4 harts (-smp 4), then kite-fsck (TOOL)
#   stress-mt   the same with a host thread per hart (-accel tcg,thread=multi: the engine
#             is RVBOX_ACCEL's choice), so Kite's locks meet harts that really run at once
#   demo-smp  the demo scenario on 4 harts: demo sleeps on the clock, which must tick
#             on some hart
#   sbi-timer the preempt and demo scenarios on harts without Sstc (-cpu rv32,sstc=off):
#             Kite's timer through the SBI's set_timer instead of stimecmp
#   harts     the harts scenario on 1 hart and on 4: the shell's output from the first
#             prompt on and the files left (kite-fsck --dump, TOOL) must be the same
set -u
scenario=$1 rvbox=$2 disk=$3 tool=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$disk" "$dir/disk.img"
kite=(-nographic -drive "file=$dir/disk.img,format=raw")
case $scenario in
  persist)
    expect -f "$here/kite.exp" persist "$dir/serial1.log" "$rvbox" "${kite[@]}" &&
      expect -f "$here/kite.exp" persist2 "$dir/serial2.log" "$rvbox" "${kite[@]}" ;;
  noargs)
    SDL_VIDEODRIVER=dummy expect -f "$here/kite.exp" noargs "$dir/serial.log" "$rvbox" ;;
  qemu)
    qemu=$(command -v qemu-system-riscv32) || { echo "skipped: no qemu-system-riscv32"; exit 77; }
    expect -f "$here/kite.exp" qemu "$dir/serial.log" "$qemu" -M virt -m 128M -nographic \
      -bios "$tool/firmware/rvbox-fw.elf" -kernel "$tool/guest-os/kite.elf" \
      -drive "file=$dir/disk.img,format=raw,if=none,id=d" -device virtio-blk-device,drive=d ;;
  window)
    # TOOL: tests/display/with_xvfb.sh. Software rendering: no GPU here.
    export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
    "$tool" expect -f "$here/kite.exp" window "$dir/serial.log" "$rvbox" \
      -drive "file=$dir/disk.img,format=raw" ;;
  screen)
    expect -f "$here/kite.exp" screen "$dir/serial.log" "$rvbox" "${kite[@]}" \
      --screenshot "$dir/screen.png" || exit 1
    [ -s "$dir/screen.png" ] || { echo "FAIL: no screenshot written"; exit 1; }
    "$tool" "$dir/screen.png" ;;
  sbi-timer)
    expect -f "$here/kite.exp" preempt "$dir/serial.log" "$rvbox" "${kite[@]}" \
      -cpu rv32,sstc=off -smp 2 &&
      expect -f "$here/kite.exp" demo "$dir/serial2.log" "$rvbox" "${kite[@]}" \
        -cpu rv32,sstc=off ;;
  demo-smp)
    expect -f "$here/kite.exp" demo "$dir/serial.log" "$rvbox" "${kite[@]}" -smp 4 ;;
  stress-smp)
    expect -f "$here/kite.exp" stress "$dir/serial.log" "$rvbox" "${kite[@]}" -smp 4 &&
      "$tool" "$dir/disk.img" ;;
  stress-mt)
    expect -f "$here/kite.exp" stress "$dir/serial.log" "$rvbox" "${kite[@]}" -smp 4 \
      -accel tcg,thread=multi && "$tool" "$dir/disk.img" ;;
  harts)
    for n in 1 4; do
      cp "$disk" "$dir/disk$n.img"
      expect -f "$here/kite.exp" harts "$dir/serial$n.log" "$rvbox" -nographic -smp $n \
        -drive "file=$dir/disk$n.img,format=raw" || exit 1
      "$tool" --dump "$dir/disk$n.img" 2>&1 | sed "s|$dir/disk$n.img|DISK|" > "$dir/dump$n.txt" ||
        { cat "$dir/dump$n.txt"; exit 1; }
      # From the first prompt on: the boot says how many harts there are.
      tr -d '\r' < "$dir/serial$n.log" | sed -n '/^kite\$ /,$p' > "$dir/out$n.txt"
    done
    grep -q "^kite: 4 harts" <(tr -d '\r' < "$dir/serial4.log") ||
      { echo "FAIL: Kite did not say it runs on 4 harts"; cat "$dir/serial4.log"; exit 1; }
    diff -u "$dir/out1.txt" "$dir/out4.txt" || { echo "FAIL: the output differs"; exit 1; }
    diff -u "$dir/dump1.txt" "$dir/dump4.txt" || { echo "FAIL: the files differ"; exit 1; } ;;
  pipes|dirs|stress)
    expect -f "$here/kite.exp" "$scenario" "$dir/serial.log" "$rvbox" "${kite[@]}" &&
      "$tool" "$dir/disk.img" ;;
  *)
    expect -f "$here/kite.exp" "$scenario" "$dir/serial.log" "$rvbox" "${kite[@]}" ;;
esac
