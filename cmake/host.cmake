# Host build: unit tests and fuzz targets of the portable layers (lib, ffa,
# spmc, page tables, OP-TEE endpoint) on src/arch/fake, and the ctest
# entries that boot the firmware's flash files in QEMU.
enable_testing()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(TESSERA_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_compile_options(${TESSERA_SANITIZERS})
add_link_options(${TESSERA_SANITIZERS})

add_library(tessera_fake STATIC src/arch/fake/fake_placement.cpp)
target_link_libraries(tessera_fake PUBLIC tessera_spmc)

add_subdirectory(tests/unit)
add_subdirectory(tests/fuzz)
add_subdirectory(tests/system)

# The freestanding header list (DESIGN.md section 6), enforced.
add_test(NAME lint.freestanding-headers
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/lint/check_headers.py ${CMAKE_SOURCE_DIR})
