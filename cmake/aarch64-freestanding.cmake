# Freestanding AArch64 firmware with Debian's cross compiler
# (package g++-aarch64-linux-gnu). No libc, no exceptions, no RTTI, no heap.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE aarch64-linux-gnu-size CACHE FILEPATH "size")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(TESSERA_FW_FLAGS "-ffreestanding -mgeneral-regs-only -mstrict-align -fno-pie -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections -fdata-sections -nostdlib")
set(CMAKE_CXX_FLAGS_INIT "${TESSERA_FW_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_C_FLAGS_INIT "${TESSERA_FW_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "-fno-pie")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,norelro -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments")
