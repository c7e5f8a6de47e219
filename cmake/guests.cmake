# Builds everything that runs inside the guest with the cross toolchain, as a separate
# CMake project (cmake/guests/) under ${CMAKE_BINARY_DIR}/guests. Its outputs are listed
# here so that host targets and tests can depend on them.
#
# Kite (guest-os/) needs the host on both sides of that build: its font is converted by a
# host tool before, and its disk image is made by another host tool after.
include(ExternalProject)

set(RVBOX_GUEST_DIR ${CMAKE_BINARY_DIR}/guests)
set(RVBOX_FIRMWARE_ELF ${RVBOX_GUEST_DIR}/firmware/rvbox-fw.elf)
set(KITE_ELF ${RVBOX_GUEST_DIR}/guest-os/kite.elf)

add_subdirectory(${CMAKE_SOURCE_DIR}/guest-os/tools ${CMAKE_BINARY_DIR}/guest-os-tools)
include(${CMAKE_SOURCE_DIR}/guest-os/programs.cmake)
set(KITE_PROGRAM_ELFS "")
foreach(prog ${KITE_PROGRAMS})
  list(APPEND KITE_PROGRAM_ELFS ${RVBOX_GUEST_DIR}/guest-os/user/${prog})
endforeach()

ExternalProject_Add(guests
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/cmake/guests
  BINARY_DIR ${RVBOX_GUEST_DIR}
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/riscv32-toolchain.cmake
    -DCMAKE_BUILD_TYPE=Release
    -DRVBOX_SOURCE_DIR=${CMAKE_SOURCE_DIR}
    -DKITE_FONT_C=${KITE_FONT_C}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${RVBOX_FIRMWARE_ELF} ${KITE_ELF} ${KITE_PROGRAM_ELFS}
  DEPENDS kite-font
)

# Kite's disk: the programs and the files in guest-os/files/, in build/kite-disk.img
# beside build/rvbox (which also carries a copy inside, see host/embedded.S).
set(KITE_DISK_IMG ${CMAKE_BINARY_DIR}/kite-disk.img)
set(KITE_DISK_KIB 2048)
file(GLOB KITE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/guest-os/files/*)
add_custom_command(
  OUTPUT ${KITE_DISK_IMG}
  COMMAND kite-mkfs ${KITE_DISK_IMG} ${KITE_DISK_KIB} ${KITE_PROGRAM_ELFS} ${KITE_FILES}
  DEPENDS guests kite-mkfs ${KITE_PROGRAM_ELFS} ${KITE_FILES}
  COMMENT "Kite disk image ${KITE_DISK_IMG}")
add_custom_target(kite-disk DEPENDS ${KITE_DISK_IMG})
