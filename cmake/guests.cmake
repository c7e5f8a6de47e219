# Builds everything that runs inside the guest with the cross toolchain, as a separate
# CMake project (cmake/guests/) under ${CMAKE_BINARY_DIR}/guests. Its outputs are listed
# here so that host targets and tests can depend on them.
include(ExternalProject)

set(RVBOX_GUEST_DIR ${CMAKE_BINARY_DIR}/guests)
set(RVBOX_HELLO_ELF ${RVBOX_GUEST_DIR}/guest-os/hello.elf)
set(RVBOX_FIRMWARE_ELF ${RVBOX_GUEST_DIR}/firmware/rvbox-fw.elf)

ExternalProject_Add(guests
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/cmake/guests
  BINARY_DIR ${RVBOX_GUEST_DIR}
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/riscv32-toolchain.cmake
    -DCMAKE_BUILD_TYPE=Release
    -DRVBOX_SOURCE_DIR=${CMAKE_SOURCE_DIR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${RVBOX_HELLO_ELF} ${RVBOX_FIRMWARE_ELF}
)
