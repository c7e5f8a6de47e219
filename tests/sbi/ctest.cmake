# The SBI firmware's tests (tests/sbi/README.md), included from tests/CMakeLists.txt in
# the host project: the test kernels run in S-mode under firmware/rvbox-fw.elf on rvbox,
# and on QEMU where it is installed (qemu-check.sh).
set(sbi_fw ${RVBOX_GUEST_DIR}/firmware/rvbox-fw.elf)
set(sbi_k ${RVBOX_GUEST_DIR}/sbi)
set(sbi_run ${CMAKE_CURRENT_LIST_DIR}/sbi_run.sh)
set(sbi_rvbox $<TARGET_FILE:rvbox> -bios ${sbi_fw})
set(sbi_banner "^rvbox SBI firmware 0\\.1: entering kernel at 0x80400000$")

# Every SBI call, checked; DBCN and legacy output seen on the console, input typed on it;
# SRST shutdown ends the run with status 0.
add_test(NAME sbi.calls
         COMMAND ${sbi_run} -s 0 -i xyz -p ${sbi_banner}
                 -p "^sbi-test: [0-9]+ passed, 0 failed$"
                 -p "^dbcn console_write: ok$" -p "^dbcn console_write_byte: ok$"
                 -p "^legacy console_putchar: ok$"
                 -- ${sbi_rvbox} -kernel ${sbi_k}/sbi_test.elf)
# The same on a hart without Sstc: the firmware lends S-mode the machine timer.
add_test(NAME sbi.calls-no-sstc
         COMMAND ${sbi_run} -s 0 -i xyz -p ${sbi_banner}
                 -p "^sbi-test: [0-9]+ passed, 0 failed$"
                 -- ${sbi_rvbox} -cpu rv32,sstc=off -kernel ${sbi_k}/sbi_test.elf)
# The same with several harts (-smp): the others start, take IPIs and fences, suspend,
# stop and start again.
foreach(n 2 4 8)
  add_test(NAME sbi.calls-smp${n}
           COMMAND ${sbi_run} -s 0 -i xyz -p ${sbi_banner}
                   -p "^info: ${n} hart\\(s\\)$" -p "^sbi-test: [0-9]+ passed, 0 failed$"
                   -- ${sbi_rvbox} -smp ${n} -kernel ${sbi_k}/sbi_test.elf)
  set_tests_properties(sbi.calls-smp${n} PROPERTIES TIMEOUT 60 LABELS sbi)
endforeach()
add_test(NAME sbi.shutdown-failure
         COMMAND ${sbi_run} -s 1 -p ${sbi_banner} -p "^sbi-power: boot$"
                 -- ${sbi_rvbox} -kernel ${sbi_k}/sbi_power_shutdown_failure.elf)
add_test(NAME sbi.legacy-shutdown
         COMMAND ${sbi_run} -s 0 -p ${sbi_banner} -p "^sbi-power: boot$"
                 -- ${sbi_rvbox} -kernel ${sbi_k}/sbi_power_legacy_shutdown.elf)
# A reboot reloads RAM, so the kernel reboots on every boot: firmware and kernel must
# each come up more than once.
foreach(kind cold warm)
  add_test(NAME sbi.reboot-${kind}
           COMMAND ${sbi_run} -t 3 -c "2:${sbi_banner}" -c "2:^sbi-power: boot$"
                   -- ${sbi_rvbox} -kernel ${sbi_k}/sbi_power_reboot_${kind}.elf)
endforeach()
# No kernel at the entry: the firmware says so and fails the run (never a silent hang).
add_test(NAME sbi.no-kernel
         COMMAND ${sbi_run} -s 255 -p "^rvbox SBI firmware: no kernel at 0x80400000$"
                 -- ${sbi_rvbox})
# /chosen/rvbox,kernel-entry moves the kernel's entry (the script adds it to rvbox's own
# device tree with dtc and boots with -dtb).
add_test(NAME sbi.kernel-entry
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/kernel_entry.sh $<TARGET_FILE:rvbox> ${sbi_fw}
                 ${sbi_k}/sbi_entry_moved.elf 0x80600000)
# The same kernels on qemu-system-riscv32 -M virt with this firmware (1 and 2 harts);
# skipped (77) when QEMU is not installed.
add_test(NAME sbi.qemu COMMAND ${CMAKE_CURRENT_LIST_DIR}/qemu-check.sh ${RVBOX_GUEST_DIR})
set_tests_properties(sbi.qemu PROPERTIES SKIP_RETURN_CODE 77)

set_tests_properties(sbi.calls sbi.calls-no-sstc sbi.shutdown-failure sbi.legacy-shutdown sbi.reboot-cold
                     sbi.reboot-warm sbi.no-kernel sbi.kernel-entry sbi.qemu
                     PROPERTIES TIMEOUT 60 LABELS sbi)

# Without -bios, a -kernel runs under the firmware built into rvbox.
add_test(NAME sbi.default-firmware
         COMMAND ${sbi_run} -s 0 -p ${sbi_banner} -p "^sbi-power: boot$"
                 -- $<TARGET_FILE:rvbox> -kernel ${sbi_k}/sbi_power_legacy_shutdown.elf)
set_tests_properties(sbi.default-firmware PROPERTIES LABELS sbi TIMEOUT 60)
