# QEMU's command line (included from tests/cli/CMakeLists.txt).
#
# cli.qemu-line.*: the command lines other projects document for
# `qemu-system-riscv32 -M virt`, word for word but for the program's name and their
# files, which are stand-ins of ours (standin.S: it says it runs, whether a1 is a device
# tree and which virtio slots hold a disk, then powers off). Sources are cited at each.
# cli.qemu.*: one test per spelling, accepted (doing what it says where that shows) or
# refused with its reason (cli.error.qemu-*).

find_program(RV_OBJCOPY riscv64-unknown-elf-objcopy REQUIRED)
set(standin ${CMAKE_CURRENT_SOURCE_DIR}/standin.S)
set(standins "")
# standin_elf(NAME ADDRESS FLAGS...) -> ${fx}/NAME.elf, and NAME.bin (raw) beside it
function(standin_elf name addr)
  add_custom_command(OUTPUT ${fx}/${name}.elf ${fx}/${name}.bin
    COMMAND ${CMAKE_COMMAND} -E make_directory ${fx}
    COMMAND ${RV_GCC} ${rv32} -Ttext=${addr} ${ARGN} -o ${fx}/${name}.elf ${standin}
    COMMAND ${RV_OBJCOPY} -O binary ${fx}/${name}.elf ${fx}/${name}.bin
    DEPENDS ${standin} VERBATIM)
  list(APPEND standins ${fx}/${name}.elf)
  set(standins ${standins} PARENT_SCOPE)
endfunction()
standin_elf(standin 0x80000000)
standin_elf(standin-semihost 0x80000000 -DSEMIHOST)
standin_elf(standin-80400000 0x80400000)
standin_elf(standin-80200000 0x80200000)
standin_elf(jump-80400000 0x80000000 -DJUMP_TO=0x80400000)
standin_elf(jump-80200000 0x80000000 -DJUMP_TO=0x80200000)
# Blank disks, one per test that writes (a writer locks its image against all others).
set(blank_disks "")
foreach(d xv6 opensbi-1 opensbi-2 device-top device-bus3 device-mixed device-twice snapshot-ro)
  list(APPEND blank_disks ${fx}/${d}.img)
endforeach()
add_custom_command(OUTPUT ${blank_disks}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${fx}
  COMMAND truncate -s 64K ${blank_disks} VERBATIM)
add_custom_target(cli_standins ALL DEPENDS ${standins} ${blank_disks})

set(out ${CMAKE_SOURCE_DIR}/tests/board/expect_output.sh)
set(up "^standin: up$" "^standin: bye$")

# ---- the projects' command lines ----

# xv6-riscv, Makefile (QEMUOPTS, `make qemu`), with qemu-system-riscv32 for
# qemu-system-riscv64; CPUS defaults to 3 (the stand-in's other harts wait):
#   -machine virt -bios none -kernel $K/kernel -m 128M -smp $(CPUS) -nographic
#   -global virtio-mmio.force-legacy=false
#   -drive file=fs.img,if=none,format=raw,id=x0
#   -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0
add_test(NAME cli.qemu-line.xv6 COMMAND ${out} 0 "" ${up} "^standin: disk in slot 0$"
         -- ${rvbox} -machine virt -bios none -kernel ${fx}/standin.elf -m 128M -smp 3
         -nographic -global virtio-mmio.force-legacy=false
         -drive file=${fx}/xv6.img,if=none,format=raw,id=x0
         -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0)
# `make qemu-gdb`: the same with -S -gdb tcp::PORT (held for the debugger; here the
# debugger never comes, so the stand-in only has to start and wait).
add_test(NAME cli.qemu-line.xv6-gdb COMMAND ${out} 124 "" "terminating on signal 15"
         -- timeout 2 ${rvbox} -machine virt -bios none -kernel ${fx}/standin.elf -m 128M
         -smp 1 -nographic -global virtio-mmio.force-legacy=false -S -gdb tcp::26000)

# NuttX, Documentation/platforms/risc-v/qemu-rv/boards/rv-virt/index.rst (32-bit):
#   qemu-system-riscv32 -semihosting -M virt,aclint=on -cpu rv32 -smp 8 -bios none
#   -kernel nuttx -nographic
add_test(NAME cli.qemu-line.nuttx COMMAND ${out} 0 "" ${up} "^standin: semihosting ok$"
         -- ${rvbox} -semihosting -M virt,aclint=on -cpu rv32 -smp 8 -bios none
         -kernel ${fx}/standin-semihost.elf -nographic)
# The same page's fb configuration, less its virtio-gpu (which rvbox has not: refused
# by name): the console on a mux chardev shared with the monitor.
add_test(NAME cli.qemu-line.nuttx-mux COMMAND ${out} 0 "" ${up}
         -- ${rvbox} -semihosting -M virt -cpu rv32 -smp 8 -chardev stdio,id=con,mux=on
         -serial chardev:con -mon chardev=con,mode=readline -bios none
         -kernel ${fx}/standin-semihost.elf)

# FreeRTOS, FreeRTOS/Demo/RISC-V_RV32_QEMU_VIRT_GCC/Readme.md (the RV32 build):
#   qemu-system-riscv32 -nographic -machine virt -net none -chardev stdio,id=con,mux=on
#   -serial chardev:con -mon chardev=con,mode=readline -bios none -smp 4
#   -s --kernel build/gcc/output/RTOSDemo.elf
add_test(NAME cli.qemu-line.freertos COMMAND ${out} 0 "" ${up}
         -- ${rvbox} -nographic -machine virt -net none -chardev stdio,id=con,mux=on
         -serial chardev:con -mon chardev=con,mode=readline -bios none -smp 4
         -s --kernel ${fx}/standin.elf)
set_tests_properties(cli.qemu-line.freertos PROPERTIES RESOURCE_LOCK gdb-port-1234)

# OpenSBI, docs/platform/qemu_virt.md, "Execution on QEMU RISC-V 32-bit":
#   qemu-system-riscv32 -M virt -m 256M -nographic
#     -bios build/platform/generic/firmware/fw_payload.bin
#   ... -bios build/platform/generic/firmware/fw_payload.elf
#   ... -bios build/platform/generic/firmware/fw_jump.bin -kernel <uboot>/u-boot.bin
#   ... -bios .../fw_payload.elf -drive file=<rootfs>,format=raw,id=hd0
#       -device virtio-blk-device,drive=hd0 -append "root=/dev/vda rw console=ttyS0"
#   ... -bios .../fw_jump.bin -kernel <linux>/arch/riscv/boot/Image -drive ... (the same)
set(sbi ${rvbox} -M virt -m 256M -nographic)
add_test(NAME cli.qemu-line.opensbi-payload-bin COMMAND ${out} 0 "" ${up}
         "^standin: a1 is a device tree$" -- ${sbi} -bios ${fx}/standin.bin)
add_test(NAME cli.qemu-line.opensbi-payload-elf COMMAND ${out} 0 "" ${up}
         -- ${sbi} -bios ${fx}/standin.elf)
add_test(NAME cli.qemu-line.opensbi-jump-uboot COMMAND ${out} 0 "" ${up}
         "^standin: a1 is a device tree$"
         -- ${sbi} -bios ${fx}/jump-80400000.bin -kernel ${fx}/standin-80400000.bin)
add_test(NAME cli.qemu-line.opensbi-payload-linux COMMAND ${out} 0 "" ${up}
         "^standin: disk in slot 5$"
         -- ${sbi} -bios ${fx}/standin.elf -drive file=${fx}/opensbi-1.img,format=raw,id=hd0
         -device virtio-blk-device,drive=hd0 -append "root=/dev/vda rw console=ttyS0")
add_test(NAME cli.qemu-line.opensbi-jump-linux COMMAND ${out} 0 "" ${up}
         "^standin: disk in slot 5$"
         -- ${sbi} -bios ${fx}/jump-80400000.bin -kernel ${fx}/standin-80400000.bin
         -drive file=${fx}/opensbi-2.img,format=raw,id=hd0
         -device virtio-blk-device,drive=hd0 -append "root=/dev/vda rw console=ttyS0")

# U-Boot, doc/board/emulation/qemu-riscv.rst (32-bit virt):
#   qemu-system-riscv32 -nographic -machine virt -bios u-boot.bin
#   qemu-system-riscv32 -nographic -machine virt -bios spl/u-boot-spl.bin \
#     -device loader,file=u-boot.itb,addr=0x80200000
add_test(NAME cli.qemu-line.uboot COMMAND ${out} 0 "" ${up}
         -- ${rvbox} -nographic -machine virt -bios ${fx}/standin.bin)
add_test(NAME cli.qemu-line.uboot-spl COMMAND ${out} 0 "" ${up}
         "^standin: a1 is a device tree$"
         -- ${rvbox} -nographic -machine virt -bios ${fx}/jump-80200000.bin
         -device loader,file=${fx}/standin-80200000.bin,addr=0x80200000)

# ---- one spelling at a time ----
set(standin_run -bios none -kernel ${fx}/standin.elf)
function(cli_accept name)   # cli_accept(NAME PATTERN... -- ARGS...): rvbox ARGS runs the stand-in
  add_test(NAME cli.qemu.${name} COMMAND ${out} 0 "" ${ARGN})
endfunction()
cli_accept(machine ${up} -- ${rvbox} -M virt ${standin_run} -nographic)
cli_accept(machine-type ${up} -- ${rvbox} -machine type=virt ${standin_run} -nographic)
cli_accept(machine-options ${up} -- ${rvbox} ${standin_run} -nographic
           -machine virt,aclint=off,aia=none,acpi=off,accel=tcg,usb=off,graphics=on)
cli_accept(machine-help "^virt " -- ${rvbox} -M help)
add_test(NAME cli.qemu.machine-dumpdtb COMMAND sh -c
         "rm -f \"$1\" && \"$2\" -M virt,dumpdtb=\"$1\" && [ \"$(od -An -tx1 -N4 \"$1\")\" = ' d0 0d fe ed' ]"
         sh ${CMAKE_CURRENT_BINARY_DIR}/dumped.dtb ${rvbox})
cli_accept(cpu ${up} -- ${rvbox} -cpu rv32 ${standin_run} -nographic)
cli_accept(cpu-extensions ${up}
           -- ${rvbox} -cpu rv32,f=off,d=off,v=false,m=on,Zicsr=true,zifencei=on,priv_spec=v1.12.0
           ${standin_run} -nographic)
cli_accept(cpu-fd ${up} -- ${rvbox} -cpu rv32,f=on,d=true,pmp=on,sstc=on ${standin_run} -nographic)
cli_accept(cpu-any ${up} -- ${rvbox} -cpu any ${standin_run} -nographic)
cli_accept(cpu-sifive-e31 ${up} -- ${rvbox} -cpu sifive-e31 ${standin_run} -nographic)
cli_accept(cpu-help "^  rv32$" -- ${rvbox} -cpu help)
cli_accept(smp-1 ${up} -- ${rvbox} -smp 1 ${standin_run} -nographic)
cli_accept(smp-topology ${up}
           -- ${rvbox} -smp cpus=4,sockets=1,cores=4,threads=1 ${standin_run} -nographic)
cli_accept(smp-8 ${up} -- ${rvbox} -smp 8 ${standin_run} -nographic)
cli_accept(serial-stdio ${up} -- ${rvbox} -serial stdio ${standin_run} -nographic)
cli_accept(serial-mon-stdio ${up} -- ${rvbox} -serial mon:stdio ${standin_run} -nographic)
# -nographic with the serial console elsewhere: the monitor is on stdio (QEMU's rule),
# and greets as QEMU's does.
add_test(NAME cli.qemu.serial-null COMMAND ${out} 0 "" "monitor - type .help. for more information"
         -- ${rvbox} -serial null ${standin_run} -nographic)
add_test(NAME cli.qemu.serial-none COMMAND ${out} 0 "" "monitor - type .help. for more information"
         -- ${rvbox} -serial none ${standin_run} -nographic)
add_test(NAME cli.qemu.nodefaults COMMAND ${out} 0 "" "^$"
         -- ${rvbox} -nodefaults ${standin_run} -nographic)
set(fs ${CMAKE_CURRENT_SOURCE_DIR}/file_serial.sh)
add_test(NAME cli.qemu.serial-file COMMAND ${fs} ${CMAKE_CURRENT_BINARY_DIR}/serial-file.txt
         "^standin: bye$" ${rvbox} -serial file:${CMAKE_CURRENT_BINARY_DIR}/serial-file.txt
         ${standin_run} -nographic)
add_test(NAME cli.qemu.chardev-file COMMAND ${fs} ${CMAKE_CURRENT_BINARY_DIR}/chardev-file.txt
         "^standin: bye$" ${rvbox} -chardev file,id=f0,path=${CMAKE_CURRENT_BINARY_DIR}/chardev-file.txt
         -serial chardev:f0 ${standin_run} -nographic)
# A tcp console that does not wait for its client: the guest runs (and ends) without one.
cli_accept(serial-tcp-nowait "serial console on tcp:127.0.0.1:26001"
           -- ${rvbox} -serial tcp::26001,server,nowait ${standin_run} -nographic)
cli_accept(serial-tcp-wait-off "serial console on tcp:127.0.0.1:26002"
           -- ${rvbox} -serial tcp:localhost:26002,server=on,wait=off ${standin_run} -nographic)
cli_accept(serial-telnet "serial console on tcp:127.0.0.1:26003"
           -- ${rvbox} -serial telnet:127.0.0.1:26003,server,nowait ${standin_run} -nographic)
cli_accept(chardev-socket "serial console on tcp:127.0.0.1:26004"
           -- ${rvbox} -chardev socket,id=s0,host=127.0.0.1,port=26004,server=on,wait=off,telnet=on
           -serial chardev:s0 ${standin_run} -nographic)
cli_accept(chardev-stdio-mux ${up} -- ${rvbox} -chardev stdio,id=c0,mux=on,signal=off
           -serial chardev:c0 -mon chardev=c0 ${standin_run} -nographic)
cli_accept(monitor-none ${up} -- ${rvbox} -monitor none ${standin_run} -nographic)
cli_accept(monitor-stdio "monitor - type .help. for more information" -- ${rvbox} -serial none -monitor stdio ${standin_run} -nographic)
cli_accept(qmp ${up} -- ${rvbox} -qmp tcp:127.0.0.1:26005,server,nowait ${standin_run} -nographic)
cli_accept(display-none ${up} -- ${rvbox} -display none ${standin_run})
# A window where there is a display; here there is none (DISPLAY unset): one line says
# so and the guest runs all the same. gtk is taken as sdl.
cli_accept(display-sdl ${up} "rvbox: .*display" -- env -u DISPLAY -u WAYLAND_DISPLAY ${rvbox}
           -display sdl ${standin_run})
cli_accept(display-gtk ${up} "rvbox: .*display" -- env -u DISPLAY -u WAYLAND_DISPLAY ${rvbox}
           -display gtk,zoom-to-fit=on ${standin_run})
cli_accept(name ${up} -- ${rvbox} -name guest=test,debug-threads=on ${standin_run} -nographic)
cli_accept(net-none ${up} -- ${rvbox} -net none -nic none -vga none ${standin_run} -nographic)
cli_accept(accel-tcg ${up} -- ${rvbox} -accel tcg,thread=single ${standin_run} -nographic)
cli_accept(accel-multi ${up} -- ${rvbox} -accel tcg,thread=multi -smp 2 ${standin_run} -nographic)
cli_accept(accel-interp-multi ${up} -- ${rvbox} -accel interp,thread=multi ${standin_run}
           -nographic)
cli_accept(memory-size ${up} -- ${rvbox} -m size=64M ${standin_run} -nographic)
cli_accept(input-devices ${up} -- ${rvbox} -device virtio-keyboard-device
           -device virtio-tablet-device,bus=virtio-mmio-bus.7 ${standin_run} -nographic)
# Disks: -device without bus= fills the slots from the top (5: 6 and 7 hold the keyboard
# and the tablet), as QEMU fills virtio-mmio from its last slot down; bus= puts it there;
# rvbox's own -drive file= keeps slot 0 and up.
cli_accept(device-top "^standin: disk in slot 5$"
           -- ${rvbox} -drive if=none,id=d0,file=${fx}/device-top.img,format=raw
           -device virtio-blk-device,drive=d0 ${standin_run} -nographic)
cli_accept(device-bus "^standin: disk in slot 3$"
           -- ${rvbox} -drive if=none,id=d0,file=${fx}/device-bus3.img,format=raw
           -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.3 ${standin_run} -nographic)
cli_accept(device-and-drive "^standin: disk in slot 0$" "^standin: disk in slot 5$"
           -- ${rvbox} -drive file=${fx}/device-mixed.img,format=raw
           -device virtio-blk-device,drive=d1 -drive id=d1,if=none,file=${fx}/device-twice.img
           ${standin_run} -nographic)
cli_accept(drive-unattached ${up}
           -- ${rvbox} -drive if=none,id=spare,file=${fx}/snapshot-ro.img,format=raw,readonly=on
           ${standin_run} -nographic)
cli_accept(loader-elf ${up} -- ${rvbox} -bios ${fx}/jump-80400000.elf
           -device loader,file=${fx}/standin-80400000.elf -nographic)
# -no-reboot: a guest that reboots once ends rvbox at its first reboot instead.
add_test(NAME cli.qemu.no-reboot COMMAND ${CMAKE_SOURCE_DIR}/tests/board/count_lines.sh 2 1 boot
         -- ${rvbox} -no-reboot -bios none -kernel ${RVBOX_GUEST_DIR}/board/reboot_once.elf)
add_test(NAME cli.qemu.no-shutdown COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/stays.sh
         ${rvbox} -no-shutdown ${standin_run} -nographic)
add_test(NAME cli.qemu.snapshot COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/snapshot.sh ${rvbox}
         ${KITE_DISK_IMG} ${CMAKE_SOURCE_DIR}/tests/kite/kite.exp)

# ---- refused, each with its reason ----
set(standin_args ${standin_run} -nographic)
function(qemu_refused name regex)
  add_test(NAME cli.error.qemu-${name} COMMAND ${err} ${regex} ${rvbox} ${ARGN} ${standin_args})
endfunction()
qemu_refused(machine-spike "-machine spike: rvbox emulates only the virt board" -M spike)
qemu_refused(machine-aia "aia=aplic-imsic: rvbox has a PLIC, not the AIA" -M virt,aia=aplic-imsic)
qemu_refused(machine-option "virt,highmem=on: not something rvbox's virt board has"
             -M virt,highmem=on)
qemu_refused(cpu-rv64 "-cpu rv64: rvbox's hart is QEMU's rv32" -cpu rv64)
qemu_refused(cpu-max "-cpu max: rvbox's hart is QEMU's rv32" -cpu max)
qemu_refused(cpu-d-without-f "D needs F" -cpu rv32,f=off,d=on)
qemu_refused(cpu-f-value "-cpu rv32,f=maybe: want on or off" -cpu rv32,f=maybe)
qemu_refused(cpu-v "-cpu rv32,v=true: rvbox's hart has no v" -cpu rv32,v=true)
qemu_refused(cpu-h "-cpu rv32,h=on: rvbox's hart has no h" -cpu rv32,h=on)
qemu_refused(cpu-zfh "-cpu rv32,zfh=on: rvbox's hart has no zfh" -cpu rv32,zfh)
qemu_refused(cpu-c-off "-cpu rv32,c=off: rvbox's hart cannot be without c" -cpu rv32,c=off)
qemu_refused(cpu-unknown "-cpu rv32,frobs: not a property" -cpu rv32,frobs=on)
qemu_refused(smp-zero "-smp 0: want a number of harts" -smp 0)
qemu_refused(smp-9 "-smp 9: rvbox has room for 1 to 8 harts" -smp 9)
qemu_refused(smp-cpus-16 "-smp cpus=16: rvbox has room for 1 to 8 harts" -smp cpus=16)
qemu_refused(accel-multi-icount "thread=multi: harts in threads of their own are not deterministic"
             -accel tcg,thread=multi -icount shift=0)
qemu_refused(accel-multi-record "thread=multi: harts in threads of their own are not deterministic"
             -accel jit,thread=multi --record /tmp/rvbox-never.rr)
qemu_refused(accel-multi-trace "thread=multi: -d traces the harts one at a time"
             -accel tcg,thread=multi -d int)
qemu_refused(accel-thread "-accel tcg,thread=many: want jit, interp .block. or step, and thread"
             -accel tcg,thread=many)
qemu_refused(serial-unix "unix sockets are not supported" -serial unix:/tmp/rvbox.sock,server)
qemu_refused(serial-vc "-serial vc: rvbox's window has no text console" -serial vc)
qemu_refused(serial-client "waits for a client to connect: add server" -serial tcp:127.0.0.1:26010)
qemu_refused(serial-udp "-serial udp::4555: want stdio, mon:stdio, pty" -serial udp::4555)
qemu_refused(serial-two "the virt board has one UART" -serial stdio -serial pty)
qemu_refused(chardev-backend "-chardev serial: rvbox has the stdio, pty, socket"
             -chardev serial,id=s0,path=/dev/ttyS0)
qemu_refused(chardev-unix "unix sockets are not supported"
             -chardev socket,id=s0,path=/tmp/rvbox.sock,server=on)
qemu_refused(chardev-no-id "-chardev stdio: needs id=ID" -chardev stdio)
qemu_refused(chardev-unknown "-serial chardev:nope: no -chardev with id=nope" -serial chardev:nope)
qemu_refused(mon-shared-no-mux "the serial console has it already \\(add mux=on"
             -chardev stdio,id=c0 -serial chardev:c0 -mon chardev=c0)
qemu_refused(monitor-stdio-twice "-monitor stdio: stdio is the serial console's already"
             -monitor stdio)
qemu_refused(drive-if-ide "if=ide: rvbox's disks are virtio-blk" -drive file=x.img,if=ide)
qemu_refused(device-no-drive "no -drive with id=nope" -device virtio-blk-device,drive=nope)
qemu_refused(device-bus-keyboard "virtio-mmio-bus.6 holds rvbox's keyboard"
             -drive if=none,id=d0,file=x.img -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.6)
qemu_refused(device-bus-range "want virtio-mmio-bus.0 to virtio-mmio-bus.7"
             -drive if=none,id=d0,file=x.img -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.9)
qemu_refused(device-drive-if-virtio "drive d0 has a disk of its own \\(if=virtio\\)"
             -drive if=virtio,id=d0,file=x.img -device virtio-blk-device,drive=d0)
qemu_refused(device-rng "-device virtio-rng-device: rvbox has no such device"
             -device virtio-rng-device)
qemu_refused(device-gpu "-device virtio-gpu-device: rvbox has no such device"
             -device virtio-gpu-device,xres=640,yres=480,bus=virtio-mmio-bus.0)
qemu_refused(device-pci "-device virtio-blk-pci: rvbox has no PCI bus" -device virtio-blk-pci,drive=d0)
qemu_refused(device-ahci "-device ich9-ahci: rvbox has no PCI bus" -device ich9-ahci,id=ahci)
qemu_refused(device-mouse "rvbox's pointer is virtio-tablet-device" -device virtio-mouse-device)
qemu_refused(device-keyboard-bus "rvbox's keyboard-device is always in virtio-mmio-bus.6"
             -device virtio-keyboard-device,bus=virtio-mmio-bus.0)
qemu_refused(loader-pc "'cpu-num' is not supported" -device loader,addr=0x80000000,cpu-num=0)
qemu_refused(loader-raw-no-addr "not an ELF file, so it needs addr="
             -device loader,file=${fx}/standin-80400000.bin)
qemu_refused(display-curses "-display curses: want sdl \\(gtk is taken as sdl\\) or none" -display curses)
qemu_refused(display-vnc "-display vnc: want sdl" -display vnc=:0)
qemu_refused(memory-hotplug "memory hotplug \\(slots, maxmem\\) is not supported" -m 128M,slots=2,maxmem=1G)
qemu_refused(kvm "-enable-kvm: rvbox runs RISC-V on any host" -enable-kvm)
qemu_refused(accel-kvm "-accel kvm: want jit, interp" -accel kvm)
qemu_refused(vga "-vga std: the virt board has no VGA" -vga std)
qemu_refused(semihost-chardev "-semihosting-config chardev=nope: no -chardev with id=nope"
             -semihosting-config enable=on,chardev=nope)
