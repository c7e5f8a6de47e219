# Registers each guest test program with ctest (included from tests/CMakeLists.txt in the
# host project): `rvbox -bios none -kernel <name>.elf` runs it and exits with the
# program's HTIF code, 0 on a pass, the failing case's number otherwise (test_macros.h).
# The VM builds of the user-level tests are guest.<name>_vm. Every test also runs on the
# plain one-instruction step (`--engine step`, the reference the others are checked
# against: guest.step.<name>), on the block engine (guest.interp.<name>) and on the JIT
# translating at a block's first run (guest.jit1.<name>). A test with variants in
# list.cmake (RVBOX_GUEST_VARIANTS_<name>: extra rvbox arguments) runs once per variant,
# as guest.<name>.<variant> and so on.
include(${CMAKE_CURRENT_LIST_DIR}/list.cmake)

# The disk of RVBOX_GUEST_DISK_TESTS, made at build time.
set(rvbox_guest_disk ${CMAKE_CURRENT_BINARY_DIR}/block-code-disk.img)
add_custom_command(OUTPUT ${rvbox_guest_disk}
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/make_block_disk.sh ${rvbox_guest_disk}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make_block_disk.sh VERBATIM)
add_custom_target(guest_block_disk ALL DEPENDS ${rvbox_guest_disk})

set(rvbox_guest_elves ${RVBOX_GUEST_TESTS})
foreach(name IN LISTS RVBOX_GUEST_VM_TESTS)
  list(APPEND rvbox_guest_elves ${name}_vm)
endforeach()

# Each program on the default engine (the JIT where there is one), on the plain step,
# on the block engine (guest.interp.*), and on the JIT translating every block at its
# first run (guest.jit1.*: straight-line test code runs once, and the default threshold
# would leave it to the block engine).
foreach(name IN LISTS rvbox_guest_elves)
  set(args "")
  if(name IN_LIST RVBOX_GUEST_DISK_TESTS)
    set(args -drive file=${rvbox_guest_disk},format=raw,readonly=on)
  endif()
  set(variants "|")
  if(DEFINED RVBOX_GUEST_VARIANTS_${name})
    set(variants ${RVBOX_GUEST_VARIANTS_${name}})
  endif()
  foreach(variant IN LISTS variants)
    string(REPLACE "|" ";" vlist "${variant}")
    list(POP_FRONT vlist vname)
    set(test ${name})
    if(NOT vname STREQUAL "")
      set(test ${name}.${vname})
    endif()
    set(elf ${RVBOX_GUEST_DIR}/tests-guest/${name}.elf)
    add_test(NAME guest.${test}
             COMMAND $<TARGET_FILE:rvbox> -bios none -kernel ${elf} ${args} ${vlist})
    add_test(NAME guest.step.${test}
             COMMAND $<TARGET_FILE:rvbox> -bios none --engine step -kernel ${elf} ${args} ${vlist})
    add_test(NAME guest.interp.${test}
             COMMAND $<TARGET_FILE:rvbox> -bios none --engine interp -kernel ${elf} ${args} ${vlist})
    add_test(NAME guest.jit1.${test}
             COMMAND ${CMAKE_CURRENT_LIST_DIR}/../jit/needs_jit.sh $<TARGET_FILE:rvbox> -bios none
                     --engine jit --jit-threshold 1 -kernel ${elf} ${args} ${vlist})
    set_tests_properties(guest.${test} guest.step.${test} guest.interp.${test} guest.jit1.${test}
                         PROPERTIES TIMEOUT 30 LABELS guest)
    set_tests_properties(guest.jit1.${test} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endforeach()
