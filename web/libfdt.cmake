# libfdt for the browser build: Debian has no WebAssembly libfdt, so scripts/web.sh
# unpacks its sources (the copy in Debian's linux-source, scripts/dtc/libfdt, the same
# library as libfdt-dev) and names the directory here. Sets what the native build finds.
set(RVBOX_LIBFDT_SRC "" CACHE PATH "libfdt's sources (libfdt.h, fdt*.c)")
if(NOT EXISTS "${RVBOX_LIBFDT_SRC}/libfdt.h")
  message(FATAL_ERROR "RVBOX_LIBFDT_SRC='${RVBOX_LIBFDT_SRC}' holds no libfdt.h (scripts/web.sh sets it)")
endif()
add_library(fdt_web STATIC
  ${RVBOX_LIBFDT_SRC}/fdt.c
  ${RVBOX_LIBFDT_SRC}/fdt_ro.c
  ${RVBOX_LIBFDT_SRC}/fdt_rw.c
  ${RVBOX_LIBFDT_SRC}/fdt_strerror.c
  ${RVBOX_LIBFDT_SRC}/fdt_sw.c
  ${RVBOX_LIBFDT_SRC}/fdt_wip.c
)
# Someone else's code: its warnings are not ours to turn into errors.
target_compile_options(fdt_web PRIVATE -w)
target_include_directories(fdt_web PUBLIC ${RVBOX_LIBFDT_SRC})
set(LIBFDT_INCLUDE_DIR ${RVBOX_LIBFDT_SRC})
set(LIBFDT_LIBRARY fdt_web)
