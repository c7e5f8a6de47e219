# The browser build (scripts/web.sh runs it with emcmake into build-web/): the core
# library as natively but for the JIT, host/'s browser backends and the run loop, and
# the page around them. Kite, its disk and the firmware come from a native build tree
# (RVBOX_WEB_IMAGES, where the guest sub-build made them) and are embedded in the page.

# No JIT: WebAssembly cannot run code it makes. The block engine runs everything.
get_target_property(core_sources rvbox_core SOURCES)
list(FILTER core_sources EXCLUDE REGEX "^cpu/jit/")
list(APPEND core_sources cpu/jit/jit_none.c)
set_target_properties(rvbox_core PROPERTIES SOURCES "${core_sources}")
# GCC's flags for the threaded dispatch, which clang does not know.
set_source_files_properties(cpu/exec_block.c PROPERTIES COMPILE_OPTIONS "")
# emscripten's <limits.h> defines PAGE_SIZE (WebAssembly's 64 KiB page); files that
# define it again for the guest's 4 KiB pages do so after their includes, so theirs holds.
target_compile_options(rvbox_core PRIVATE -Wno-macro-redefined)

set(RVBOX_WEB_IMAGES "" CACHE PATH "a native build tree holding Kite and the firmware")
set(web_kernel ${RVBOX_WEB_IMAGES}/guests/guest-os/kite.elf)
set(web_firmware ${RVBOX_WEB_IMAGES}/guests/firmware/rvbox-fw.elf)
set(web_disk ${RVBOX_WEB_IMAGES}/kite-disk.img)
foreach(f ${web_kernel} ${web_firmware} ${web_disk})
  if(NOT EXISTS ${f})
    message(FATAL_ERROR "${f} is missing: build the native tree first (scripts/web.sh does)")
  endif()
endforeach()

add_executable(rvbox
  host/web_main.c
  host/web_console.c
  host/web_controls.c
  host/web_disk.c
  host/web_display.c
  host/web_keymap.c
  host/run.c
  host/net_none.c       # no network in the page
  host/loader.c
  host/replay.c         # the run loop calls these two; the page never records
  host/timeline.c       # nor goes back in time
  web/libelf/libelf.c   # what host/loader.c asks of libelf
)
target_include_directories(rvbox PRIVATE ${CMAKE_SOURCE_DIR}/web/libelf)
target_compile_definitions(rvbox PRIVATE RVBOX_VERSION="${PROJECT_VERSION}")
target_link_libraries(rvbox PRIVATE rvbox_core)
target_link_options(rvbox PRIVATE
  -sENVIRONMENT=web
  -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=64MB
  -sFORCE_FILESYSTEM=1
  "-sEXPORTED_FUNCTIONS=_main,_malloc,_free"
  "-sEXPORTED_RUNTIME_METHODS=FS,ccall,UTF8ToString"
  "SHELL:--embed-file ${web_kernel}@/rvbox/kite.elf"
  "SHELL:--embed-file ${web_firmware}@/rvbox/rvbox-fw.elf"
  "SHELL:--embed-file ${web_disk}@/rvbox/kite-disk.img")
set_target_properties(rvbox PROPERTIES
  SUFFIX .js
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}
  LINK_DEPENDS "${web_kernel};${web_firmware};${web_disk}")

# The page, and the terminal widget from web/node_modules (scripts/web.sh installs it
# with npm, pinned in web/package.json): copied next to rvbox.js, nothing fetched later.
set(xterm ${CMAKE_SOURCE_DIR}/web/node_modules/@xterm/xterm)
if(NOT EXISTS ${xterm}/lib/xterm.js)
  message(FATAL_ERROR "${xterm} is missing: run npm ci in web/ (scripts/web.sh does)")
endif()
foreach(f index.html rvbox-page.js rvbox-page.css)
  configure_file(${CMAKE_SOURCE_DIR}/web/${f} ${CMAKE_BINARY_DIR}/${f} COPYONLY)
endforeach()
configure_file(${xterm}/lib/xterm.js ${CMAKE_BINARY_DIR}/vendor/xterm.js COPYONLY)
configure_file(${xterm}/css/xterm.css ${CMAKE_BINARY_DIR}/vendor/xterm.css COPYONLY)
