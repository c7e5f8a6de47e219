# Registers each guest test program with ctest (included from tests/CMakeLists.txt in the
# host project): `rvbox -bios none -kernel <name>.elf` runs it in M-mode and exits with the
# program's HTIF code, 0 on a pass, the failing case's number otherwise (test_macros.h).
include(${CMAKE_CURRENT_LIST_DIR}/list.cmake)

foreach(name IN LISTS RVBOX_GUEST_TESTS)
  add_test(NAME guest.${name}
           COMMAND $<TARGET_FILE:rvbox> -bios none
                   -kernel ${RVBOX_GUEST_DIR}/tests-guest/${name}.elf)
  set_tests_properties(guest.${name} PROPERTIES TIMEOUT 30 LABELS guest)
endforeach()
