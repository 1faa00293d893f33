# Host build: unit tests and fuzz targets of the portable layers (lib, ffa,
# spmc, page tables, OP-TEE endpoint) on src/arch/fake, and the ctest
# entries that boot the firmware's flash files in QEMU.
enable_testing()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(TESSERA_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_compile_options(${TESSERA_SANITIZERS})
add_link_options(${TESSERA_SANITIZERS})

add_library(tessera_fake STATIC src/arch/fake/fake_placement.cpp src/arch/fake/spin_relax.cpp)
target_link_libraries(tessera_fake PUBLIC tessera_spmc)

add_subdirectory(tests/unit)
add_subdirectory(tests/fuzz)
add_subdirectory(tests/system)

# The freestanding header list (DESIGN.md section 6), enforced.
add_test(NAME lint.freestanding-headers
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/lint/check_headers.py ${CMAKE_SOURCE_DIR})

# tessera-manifest-check: the SPMC's own manifest readers as a host tool.
add_executable(tessera-manifest-check tools/manifest-check/main.cpp)
target_link_libraries(tessera-manifest-check PRIVATE tessera_ffa)

# Every manifest in the tree must pass it: partitions/*/manifest.dts as
# partition manifests, configs/*/spmc_manifest.dts as SPMC manifests.
find_program(DTC dtc REQUIRED)
file(GLOB TESSERA_PARTITION_MANIFESTS ${CMAKE_SOURCE_DIR}/partitions/*/manifest*.dts)
file(GLOB TESSERA_SPMC_MANIFESTS ${CMAKE_SOURCE_DIR}/configs/*/spmc_manifest.dts)
set(manifest_dtbs)
foreach(dts IN LISTS TESSERA_PARTITION_MANIFESTS TESSERA_SPMC_MANIFESTS)
  get_filename_component(dir ${dts} DIRECTORY)
  get_filename_component(name ${dir} NAME)
  get_filename_component(base ${dts} NAME_WE)
  set(out ${CMAKE_BINARY_DIR}/manifests/${name}-${base}.dtb)
  add_custom_command(OUTPUT ${out} COMMAND ${DTC} -q -I dts -O dtb -o ${out} ${dts} DEPENDS ${dts}
                     COMMENT "dtc ${name}/${base}.dtb")
  list(APPEND manifest_dtbs ${out})
  if(base MATCHES "^manifest")
    list(APPEND partition_dtbs ${out})
  else()
    list(APPEND spmc_dtbs ${out})
  endif()
endforeach()
add_custom_target(manifest_dtbs ALL DEPENDS ${manifest_dtbs})
add_test(NAME lint.partition-manifests COMMAND tessera-manifest-check ${partition_dtbs})
add_test(NAME lint.spmc-manifests COMMAND tessera-manifest-check --core ${spmc_dtbs})
