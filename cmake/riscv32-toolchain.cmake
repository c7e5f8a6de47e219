# Cross toolchain for code that runs inside the guest: Debian's riscv64-unknown-elf-gcc,
# which builds rv32 code with the right -march/-mabi. Freestanding, no libc.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(RV32_FLAGS "-march=rv32imac_zicsr_zifencei -mabi=ilp32 -mcmodel=medany")
set(CMAKE_C_FLAGS_INIT "${RV32_FLAGS} -ffreestanding -fno-builtin -nostdlib")
set(CMAKE_ASM_FLAGS_INIT "${RV32_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -nostartfiles -static -Wl,--no-warn-rwx-segments")
