# Firmware images and flash files for QEMU virt.

find_program(DTC dtc REQUIRED)
find_program(FIPTOOL fiptool REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(TESSERA_LOG_LEVEL 2 CACHE STRING "0 error, 1 warn, 2 info, 3 debug")
add_compile_definitions(TESSERA_LOG_LEVEL=${TESSERA_LOG_LEVEL})
execute_process(COMMAND git rev-parse --short=8 HEAD WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                OUTPUT_VARIABLE TESSERA_GIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT TESSERA_GIT)
  set(TESSERA_GIT 0)
endif()

# Code that runs once at boot and is not on a loop's path is built for
# size (the monitor has a 32 KiB target); the device-tree reader, which
# boot walks thousands of times, and every hot path stay at -O2.
set_source_files_properties(src/lib/format.cpp src/lib/log.cpp src/lib/fip.cpp src/lib/fdt_writer.cpp
  src/ffa/core_manifest.cpp src/ffa/partition_manifest.cpp src/ffa/error.cpp
  TARGET_DIRECTORY tessera_lib tessera_ffa PROPERTIES COMPILE_OPTIONS -Os)

# Freestanding support every image links: mem functions, platform drivers,
# conduits.
add_library(tessera_rt STATIC src/lib/mem.cpp src/plat/qemu_virt/pl011.cpp src/plat/qemu_virt/power.cpp
            src/arch/aarch64/smc.S)
# GCC turns copy/fill loops into memcpy/memset calls; not inside them.
set_source_files_properties(src/lib/mem.cpp PROPERTIES COMPILE_OPTIONS "-fno-tree-loop-distribute-patterns")

# tessera_image(NAME LDSCRIPT SOURCES... LIBS ...): NAME.elf and NAME.bin.
function(tessera_image name ldscript)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name}.elf ${ARG_SOURCES})
  target_link_libraries(${name}.elf PRIVATE ${ARG_LIBS} tessera_lib tessera_rt gcc)
  target_link_options(${name}.elf PRIVATE -T ${ldscript} -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
  set_target_properties(${name}.elf PROPERTIES LINK_DEPENDS ${ldscript})
  add_custom_command(OUTPUT ${name}.bin
    COMMAND ${CMAKE_OBJCOPY} -O binary ${name}.elf ${name}.bin
    DEPENDS ${name}.elf COMMENT "objcopy ${name}.bin")
  add_custom_target(${name} ALL DEPENDS ${name}.bin)
endfunction()

# tessera_monitor(NAME DISPATCHER FILE [DEFINE D]): a monitor image, the
# monitor's sources with one secure dispatcher (the SPMD, or the OP-TEE
# one), built with D. The pieces of src/arch and src/lib it compiles again
# are its own -Os copies: the monitor maps only at boot, and reads two
# small device trees once.
# The monitor's hot paths are assembly (the vectors' fast path); its C++ is
# boot and slow-path code, built for size to keep the image small; the
# tiny code model (the whole image within 1 MiB) makes each address one
# ADR instead of ADRP+ADD, 432 bytes in all.
# Atomics inline (LDAXR/STLXR): the out-of-line helpers pick LSE at run
# time through getauxval, which firmware does not have.
function(tessera_monitor name)
  cmake_parse_arguments(ARG "" "DISPATCHER;DEFINE" "" ${ARGN})
  tessera_image(${name} ${CMAKE_SOURCE_DIR}/src/el3/el3.ld
    SOURCES src/el3/entry.S src/el3/vectors.S src/el3/el1_sysregs.S src/el3/main.cpp src/el3/mmu.cpp
            src/el3/inject.cpp src/el3/smccc.cpp src/el3/psci.cpp ${ARG_DISPATCHER} src/el3/world_switch.cpp
            src/arch/aarch64/pgtable.cpp src/lib/fdt.cpp
    LIBS tessera_ffa)
  target_compile_options(${name}.elf PRIVATE -Os -mcmodel=tiny -mno-outline-atomics)
  if(ARG_DEFINE)
    target_compile_definitions(${name}.elf PRIVATE ${ARG_DEFINE})
  endif()
endfunction()

# The SPMD entering the SPMC at S-EL1 (sel1-spmc).
tessera_monitor(el3 DISPATCHER src/el3/spmd.cpp)
# The optee-smc configuration's monitor: the OP-TEE dispatcher
# (src/el3/opteed.cpp) in place of the SPMD; no FF-A.
tessera_monitor(el3_opteed DISPATCHER src/el3/opteed.cpp DEFINE TESSERA_OPTEED)
# The sel2-spmc configuration's monitor: the SPMD entering the SPMC at
# S-EL2 (SCR_EL3.EEL2), with the EL2 system registers switched between the
# worlds (el3/el2_sysregs.inc), as TF-A builds with SPMD_SPM_AT_SEL2.
tessera_monitor(el3_sel2 DISPATCHER src/el3/spmd.cpp DEFINE TESSERA_SPMC_AT_SEL2)

# The key that signs TAs loaded from the normal world (tools/sign_ta.py):
# made in the build tree on first use unless TESSERA_TA_SIGNING_KEY names
# one; the trusted OS is built with its public half.
set(TESSERA_TA_SIGNING_KEY "${CMAKE_CURRENT_BINARY_DIR}/ta-signing/key.pem" CACHE FILEPATH
    "RSA private key (PEM) that signs loadable TAs; created (2048 bits) when missing")
set(TA_KEY_HEADER ${CMAKE_CURRENT_BINARY_DIR}/generated/ta_signing_key.h)
add_custom_command(OUTPUT ${TA_KEY_HEADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/generated
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/sign_ta.py --key ${TESSERA_TA_SIGNING_KEY}
          --public-header ${TA_KEY_HEADER}
  DEPENDS ${CMAKE_SOURCE_DIR}/tools/sign_ta.py COMMENT "TA signing key: public half for the trusted OS")
add_custom_target(ta_signing_key DEPENDS ${TA_KEY_HEADER})

tessera_image(sel1_tos ${CMAKE_SOURCE_DIR}/src/sel1/sel1.ld
  SOURCES src/sel1/entry.S src/sel1/el0.S src/sel1/fp_self_test.S src/sel1/main.cpp src/sel1/mmu.cpp src/sel1/placement.cpp
          src/sel1/partition_loader.cpp src/sel1/hosted_partitions.cpp src/sel1/ta_host.cpp src/sel1/ta_syscalls.cpp
          src/sel1/ta_storage.cpp src/sel1/ta_loader.cpp src/sel1/secure_timer.cpp src/sel1/threads.cpp src/sel1/thread_switch.S
          src/sel1/optee_smc_entry.cpp src/sel1/core_lock.cpp src/sel1/trusted_os_gate.cpp
          src/arch/aarch64/gicv3.cpp src/arch/aarch64/ns_memory_map.cpp
          src/plat/qemu_virt/secure_world_console.cpp src/arch/aarch64/spmc_boot.cpp src/arch/aarch64/spmc_panic.cpp
  LIBS tessera_el0_space tessera_partition_plan tessera_optee tessera_spmc tessera_ffa tessera_pgtable)
target_compile_definitions(sel1_tos.elf PRIVATE TESSERA_BUILD_ID=0x${TESSERA_GIT})
target_include_directories(sel1_tos.elf PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
add_dependencies(sel1_tos.elf ta_signing_key)

# The same trusted OS as an S-EL1 partition under the S-EL2 SPMC
# (configuration sel2-spmc): its own entry and main, no SPMC core, no GIC,
# no console of its own; linked where its manifest loads it
# (configs/sel2-spmc/tos_manifest.dts).
tessera_image(sel1_tos_sp ${CMAKE_SOURCE_DIR}/src/sel1/sel1.ld
  SOURCES src/sel1/sp_entry.S src/sel1/el0.S src/sel1/fp_self_test.S src/sel1/sp_main.cpp src/sel1/mmu.cpp
          src/sel1/ta_host.cpp src/sel1/ta_syscalls.cpp src/sel1/ta_storage.cpp src/sel1/ta_loader.cpp
          src/sel1/threads.cpp src/sel1/thread_switch.S src/sel1/core_lock.cpp src/sel1/secure_timer.cpp
          src/arch/aarch64/ns_memory_map.cpp src/arch/aarch64/spmc_boot.cpp
  LIBS tessera_optee tessera_ffa tessera_pgtable)
target_link_options(sel1_tos_sp.elf PRIVATE -Wl,--defsym=TOS_LOAD_ADDRESS=0x0E300000)
target_compile_definitions(sel1_tos_sp.elf PRIVATE TESSERA_BUILD_ID=0x${TESSERA_GIT} TESSERA_TOS_PARTITION=1)
target_include_directories(sel1_tos_sp.elf PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
add_dependencies(sel1_tos_sp.elf ta_signing_key)

# The secure hypervisor at S-EL2 (configuration sel2-spmc): the same SPMC
# core in placement B.
tessera_image(sel2_spmc ${CMAKE_SOURCE_DIR}/src/sel2/sel2.ld
  SOURCES src/sel2/entry.S src/sel2/vectors.S src/sel2/vcpu.S src/sel2/main.cpp src/sel2/mmu.cpp src/sel2/placement.cpp
          src/sel2/hosted_vms.cpp src/sel2/hosted_el0.cpp src/sel2/cpu_switch.cpp src/sel2/physical_timer.cpp
          src/sel2/partition_loader.cpp
          src/arch/aarch64/gicv3.cpp src/arch/aarch64/ns_memory_map.cpp src/arch/aarch64/spmc_boot.cpp src/arch/aarch64/spmc_panic.cpp
          src/plat/qemu_virt/secure_world_console.cpp
  LIBS tessera_el0_space tessera_partition_plan tessera_spmc tessera_ffa tessera_pgtable)

# Test files run in link order: version negotiation first, its lock last.
# call_log.cpp (no tests) links last, so that its data follows everything
# else and the benchmarks' buffers keep their addresses: the figures move
# with them.
tessera_image(harness ${CMAKE_SOURCE_DIR}/src/nwd/harness/harness.ld
  SOURCES src/nwd/harness/entry.S src/nwd/harness/vectors.S src/nwd/harness/main.cpp
          src/nwd/harness/test.cpp src/nwd/harness/ffa_client.cpp src/nwd/harness/fault.cpp
          src/nwd/harness/bench.cpp
          src/nwd/harness/t1_version.cpp src/nwd/harness/t2_smccc.cpp src/nwd/harness/t3_rxtx.cpp
          src/nwd/harness/t4_discovery.cpp src/nwd/harness/t5_direct.cpp src/nwd/harness/t5b_partitions.cpp src/nwd/harness/t5c_memory.cpp src/nwd/harness/t5d_notifications.cpp src/nwd/harness/gic.cpp src/nwd/harness/t5e_smp.cpp src/nwd/harness/t5f_device_interrupts.cpp src/nwd/harness/t5g_stress.cpp src/nwd/harness/secondary.S src/nwd/harness/t6_isolation.cpp src/nwd/harness/t7_world_switch.cpp src/nwd/harness/t8_device_tree.cpp src/nwd/harness/fp_regs.S src/nwd/harness/sme_regs.S
          src/nwd/harness/t5h_rx_checks.cpp src/nwd/harness/t5i_smp_version.cpp
          src/nwd/harness/t5j_console_flood.cpp src/nwd/harness/t5k_conformance.cpp
          src/nwd/harness/t5l_trusted_apps.cpp src/nwd/harness/supplicant.cpp
          src/nwd/harness/t5m_trusted_os_concurrency.cpp src/nwd/harness/t5n_sel1_partitions.cpp
          src/nwd/harness/t5o_trusted_os_races.cpp
          src/nwd/harness/stall_probe.cpp
          src/nwd/harness/needs.cpp
          src/nwd/harness/t9_version_locked.cpp
          src/nwd/harness/call_log.cpp
  LIBS tessera_ffa)
target_include_directories(harness.elf PRIVATE ${CMAKE_SOURCE_DIR}/tas)

# A normal world that negotiates FF-A v1.0 (Linux before 6.7 does).
tessera_image(harness_v1_0 ${CMAKE_SOURCE_DIR}/src/nwd/harness/harness.ld
  SOURCES src/nwd/harness/entry.S src/nwd/harness/vectors.S src/nwd/harness/v1_0/main.cpp
          src/nwd/harness/test.cpp src/nwd/harness/ffa_client.cpp src/nwd/harness/v1_0/t_v1_0.cpp
          src/nwd/harness/call_log.cpp
  LIBS tessera_ffa)

# The normal world for the optee-smc configuration without Linux: the
# classic OP-TEE SMC ABI as Linux's smc_abi.c speaks it (group smc), no
# FF-A; the test framework, exception vectors and console are the FF-A
# harness's.
tessera_image(harness_smc ${CMAKE_SOURCE_DIR}/src/nwd/harness/harness.ld
  SOURCES src/nwd/harness/entry.S src/nwd/harness/vectors.S src/nwd/harness/smc/main.cpp
          src/nwd/harness/test.cpp src/nwd/harness/fault.cpp src/nwd/harness/gic.cpp
          src/nwd/harness/smc/optee_smc_client.cpp src/nwd/harness/smc/bench_smc.cpp
          src/nwd/harness/smc/t_smc.cpp
          src/nwd/harness/call_log.cpp)
target_include_directories(harness_smc.elf PRIVATE ${CMAKE_SOURCE_DIR}/tas)

# The manifest checker, built for the build machine with its own compiler
# (this tree cross-compiles): every partition manifest is refused at build
# time, with the property named, before it can be packaged.
find_program(HOST_CXX NAMES c++ g++ clang++ REQUIRED)
set(MANIFEST_CHECK ${CMAKE_CURRENT_BINARY_DIR}/host-tools/tessera-manifest-check)
set(MANIFEST_CHECK_SOURCES ${CMAKE_SOURCE_DIR}/tools/manifest-check/main.cpp
    ${CMAKE_SOURCE_DIR}/src/ffa/partition_manifest.cpp ${CMAKE_SOURCE_DIR}/src/ffa/core_manifest.cpp
    ${CMAKE_SOURCE_DIR}/src/lib/fdt.cpp)
add_custom_command(OUTPUT ${MANIFEST_CHECK}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/host-tools
  COMMAND ${HOST_CXX} -std=c++20 -O1 -I${CMAKE_SOURCE_DIR}/src ${MANIFEST_CHECK_SOURCES} -o ${MANIFEST_CHECK}
  DEPENDS ${MANIFEST_CHECK_SOURCES} COMMENT "host tool tessera-manifest-check")

# An S-EL0 partition on the Tessera runtime (src/sp): image, manifest DTB
# (checked), SP package.
add_library(tessera_sp STATIC src/sp/entry.S src/sp/log.cpp src/sp/memory.cpp)
# A partition that brings its own startup and linker script (LDSCRIPT) is
# built from its sources alone: no Tessera runtime, no Tessera library.
# LIBS adds libraries to a runtime partition (the key store: tessera_crypto).
function(tessera_partition name)
  cmake_parse_arguments(ARG "" "LOAD_ADDRESS;MANIFEST;LDSCRIPT;IMAGE" "SOURCES;LIBS" ${ARGN})
  if(ARG_IMAGE)
    # An image built elsewhere (the trusted OS as a partition): packaged
    # only.
    set(elf ${ARG_IMAGE}.elf)
  else()
    add_executable(${name}.elf ${ARG_SOURCES})
    set(elf ${name}.elf)
  endif()
  if(ARG_IMAGE)
  elseif(ARG_LDSCRIPT)
    target_link_libraries(${name}.elf PRIVATE gcc)
    target_link_options(${name}.elf PRIVATE -T ${ARG_LDSCRIPT})
    set_target_properties(${name}.elf PROPERTIES LINK_DEPENDS ${ARG_LDSCRIPT})
  else()
    # LIBS first: they may call the runtime's memcpy/memset (tessera_rt).
    target_link_libraries(${name}.elf PRIVATE ${ARG_LIBS} tessera_sp tessera_lib tessera_rt gcc)
    target_link_options(${name}.elf PRIVATE -T ${CMAKE_SOURCE_DIR}/src/sp/sp.ld
                        -Wl,--defsym=SP_LOAD_ADDRESS=${ARG_LOAD_ADDRESS})
    set_target_properties(${name}.elf PROPERTIES LINK_DEPENDS ${CMAKE_SOURCE_DIR}/src/sp/sp.ld)
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/partitions)
  # The image is linked for LOAD_ADDRESS: the manifest must load it there.
  set(load_check)
  if(ARG_LOAD_ADDRESS)
    set(load_check --load-address ${ARG_LOAD_ADDRESS})
  endif()
  add_custom_command(OUTPUT ${dir}/${name}.bin ${dir}/${name}.dtb ${dir}/${name}.pkg
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CMAKE_OBJCOPY} -O binary ${elf} ${dir}/${name}.bin
    COMMAND ${DTC} -q -I dts -O dtb -o ${dir}/${name}.dtb ${ARG_MANIFEST}
    COMMAND ${MANIFEST_CHECK} ${load_check} ${dir}/${name}.dtb
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/sp_pkg.py --manifest ${dir}/${name}.dtb
            --image ${dir}/${name}.bin --out ${dir}/${name}.pkg
    DEPENDS ${elf} ${ARG_MANIFEST} ${MANIFEST_CHECK} ${CMAKE_SOURCE_DIR}/tools/sp_pkg.py
    COMMENT "partition ${name}: image, manifest (checked), package")
  add_custom_target(partition_${name} ALL DEPENDS ${dir}/${name}.pkg)
endfunction()

tessera_partition(echo LOAD_ADDRESS 0x0e500000 MANIFEST ${CMAKE_SOURCE_DIR}/partitions/echo/manifest.dts
  SOURCES partitions/echo/echo.cpp)
tessera_partition(hostile_a LOAD_ADDRESS 0x0e540000 MANIFEST ${CMAKE_SOURCE_DIR}/partitions/hostile/manifest_a.dts
  SOURCES partitions/hostile/hostile.cpp)
tessera_partition(hostile_b LOAD_ADDRESS 0x0e580000 MANIFEST ${CMAKE_SOURCE_DIR}/partitions/hostile/manifest_b.dts
  SOURCES partitions/hostile/hostile.cpp)
tessera_partition(keystore LOAD_ADDRESS 0x0e600000 MANIFEST ${CMAKE_SOURCE_DIR}/partitions/keystore/manifest.dts
  SOURCES partitions/keystore/keystore.cpp LIBS tessera_crypto)
tessera_partition(gpio_driver LOAD_ADDRESS 0x0e640000 MANIFEST ${CMAKE_SOURCE_DIR}/partitions/gpio_driver/manifest.dts
  SOURCES partitions/gpio_driver/gpio_driver.cpp)
tessera_partition(foreign_c MANIFEST ${CMAKE_SOURCE_DIR}/partitions/foreign_c/manifest.dts
  LDSCRIPT ${CMAKE_SOURCE_DIR}/partitions/foreign_c/foreign.ld
  SOURCES partitions/foreign_c/start.S partitions/foreign_c/main.c)
# S-EL1 partitions for the S-EL2 SPMC (sel2-spmc), written against FF-A
# alone: mp-c (one execution context per CPU) and its code again as up-c
# to up-c4 (one context each, at their own addresses: the tests' hostile
# instances, one per way of being stopped), irq-c (managed exit and a
# device interrupt, as virtual interrupts), and up-c5 and up-c6, bystanders
# that make eight (sel2-spmc-1p loads mp-c alone: the benchmarks compare). -mgeneral-regs-only: the SPMC does
# not switch FP/SIMD between S-EL1 partitions yet.
foreach(variant IN ITEMS mp up up2 up3 up4 irq up5 up6)
  # Load addresses 128 KiB apart from 0x0e700000 (each manifest says the
  # same), above the S-EL0 partitions', which keep their sel1-spmc places.
  set(slots mp up up2 up3 up4 irq up5 up6)
  list(FIND slots ${variant} slot)
  math(EXPR load "0x0e700000 + ${slot} * 0x20000" OUTPUT_FORMAT HEXADECIMAL)
  if(variant STREQUAL "mp")
    set(mf manifest.dts)
  else()
    set(mf manifest_${variant}.dts)
  endif()
  tessera_partition(${variant}_c MANIFEST ${CMAKE_SOURCE_DIR}/partitions/mp_c/${mf}
    LDSCRIPT ${CMAKE_SOURCE_DIR}/partitions/mp_c/mp.ld
    SOURCES partitions/mp_c/start.S partitions/mp_c/main.c partitions/mp_c/mem.c partitions/mp_c/sve.S)
  target_link_options(${variant}_c.elf PRIVATE -Wl,--defsym=LOAD=${load})
  target_compile_options(${variant}_c.elf PRIVATE -mgeneral-regs-only)
  # Its own memcpy/memset: built so that they are not turned into calls to
  # themselves.
  set_source_files_properties(partitions/mp_c/mem.c TARGET_DIRECTORY ${variant}_c.elf PROPERTIES COMPILE_OPTIONS
                              -fno-tree-loop-distribute-patterns)
endforeach()
# The trusted OS as an S-EL1 partition (sel1_tos_sp, above), packaged with
# its partition manifest.
tessera_partition(tos_sp MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel2-spmc/tos_manifest.dts IMAGE sel1_tos_sp
                  LOAD_ADDRESS 0x0E300000)
# Position independent, as partitions built for other SPMCs are: linked at
# 0 (a static PIE), it applies its own relocations where it is loaded.
tessera_partition(ported_c MANIFEST ${CMAKE_SOURCE_DIR}/partitions/ported_c/manifest.dts
  LDSCRIPT ${CMAKE_SOURCE_DIR}/partitions/ported_c/ported.ld
  SOURCES partitions/ported_c/start.S partitions/ported_c/ported.c)
target_compile_options(ported_c.elf PRIVATE -fPIE -fvisibility=hidden)
target_link_options(ported_c.elf PRIVATE -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,text)

# Trusted Applications (src/ta, docs/trusted-applications.md): each is a
# flat image linked at TA_IMAGE_VA with the TA runtime (GP API subset);
# every TA in TESSERA_TAS goes into one TA store, the FIP's tos-fw-extra1.
add_library(tessera_ta_rt STATIC src/ta/entry.S src/ta/dispatch.cpp src/ta/heap.cpp src/ta/api.cpp
            src/ta/crypto_api.cpp src/ta/storage_api.cpp)
# The mem functions last on a TA's link line: the runtime and the crypto
# library both call them.
add_library(tessera_ta_mem STATIC src/lib/mem.cpp)
set_source_files_properties(src/lib/mem.cpp TARGET_DIRECTORY tessera_ta_mem PROPERTIES COMPILE_OPTIONS
                            "-fno-tree-loop-distribute-patterns")
set(TESSERA_TAS "")
function(tessera_ta name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_executable(${name}.ta.elf ${ARG_SOURCES})
  target_include_directories(${name}.ta.elf PRIVATE ${CMAKE_SOURCE_DIR}/tas)
  target_link_libraries(${name}.ta.elf PRIVATE tessera_ta_rt tessera_crypto tessera_ta_mem gcc)
  target_link_options(${name}.ta.elf PRIVATE -T ${CMAKE_SOURCE_DIR}/src/ta/ta.ld)
  set_target_properties(${name}.ta.elf PROPERTIES LINK_DEPENDS ${CMAKE_SOURCE_DIR}/src/ta/ta.ld)
  add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/tas/${name}.ta
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/tas
    COMMAND ${CMAKE_OBJCOPY} -O binary ${name}.ta.elf ${CMAKE_CURRENT_BINARY_DIR}/tas/${name}.ta
    DEPENDS ${name}.ta.elf COMMENT "TA ${name}")
  set(TESSERA_TAS ${TESSERA_TAS} ${CMAKE_CURRENT_BINARY_DIR}/tas/${name}.ta PARENT_SCOPE)
endfunction()
tessera_ta(hello SOURCES tas/hello/hello.c)
tessera_ta(hostile SOURCES tas/hostile/hostile.c)
tessera_ta(caller SOURCES tas/caller/caller.c)
tessera_ta(crypto SOURCES tas/crypto/crypto.c)
tessera_ta(storage SOURCES tas/storage/storage.c)
# A TA that is not in the store: hello under another UUID, signed, for
# tee-supplicant to load from /lib/optee_armtz (the Linux image carries it).
set(TA_LOADED_UUID 1a5b0c8e-7d2f-4c61-9e3a-5f0d8b2c4a71)
tessera_ta(hello_loaded SOURCES tas/hello/hello.c)
target_compile_definitions(hello_loaded.ta.elf PRIVATE
  "HELLO_UUID=0x1a5b0c8e, 0x7d2f, 0x4c61, 0x9e, 0x3a, 0x5f, 0x0d, 0x8b, 0x2c, 0x4a, 0x71")
set(TA_LOADED ${CMAKE_CURRENT_BINARY_DIR}/tas/${TA_LOADED_UUID}.ta)
add_custom_command(OUTPUT ${TA_LOADED}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/sign_ta.py --key ${TESSERA_TA_SIGNING_KEY}
          --image ${CMAKE_CURRENT_BINARY_DIR}/tas/hello_loaded.ta --out ${TA_LOADED}
  DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/tas/hello_loaded.ta ${TA_KEY_HEADER} ${CMAKE_SOURCE_DIR}/tools/sign_ta.py
  COMMENT "signed TA ${TA_LOADED_UUID}.ta")
# Two files tee-supplicant hands over that the trusted OS must refuse: the
# same TA with one bit changed after signing, and the signed TA under a
# name (UUID) that is not its own.
set(TA_TAMPERED ${CMAKE_CURRENT_BINARY_DIR}/tas/2b6c1d9f-8e30-4d72-af4b-60e19c3d5b82.ta)
set(TA_MISNAMED ${CMAKE_CURRENT_BINARY_DIR}/tas/3c7d2e0a-9f41-4e83-b05c-71f2ad4e6c93.ta)
add_custom_command(OUTPUT ${TA_TAMPERED} ${TA_MISNAMED}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/sign_ta.py --key ${TESSERA_TA_SIGNING_KEY}
          --image ${CMAKE_CURRENT_BINARY_DIR}/tas/hello_loaded.ta --out ${TA_TAMPERED} --corrupt
  COMMAND ${CMAKE_COMMAND} -E copy ${TA_LOADED} ${TA_MISNAMED}
  DEPENDS ${TA_LOADED} COMMENT "refusable signed TA test files")
add_custom_target(ta_loaded ALL DEPENDS ${TA_LOADED} ${TA_TAMPERED} ${TA_MISNAMED})
list(REMOVE_ITEM TESSERA_TAS ${CMAKE_CURRENT_BINARY_DIR}/tas/hello_loaded.ta)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/tas/ta_store.bin
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/mkta_store.py --out ${CMAKE_CURRENT_BINARY_DIR}/tas/ta_store.bin
          ${TESSERA_TAS}
  DEPENDS ${TESSERA_TAS} ${CMAKE_SOURCE_DIR}/tools/mkta_store.py COMMENT "TA store (tos-fw-extra1)")
add_custom_target(ta_store ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/tas/ta_store.bin)

# One flash file per configuration: the monitor, padded, then a FIP with
# the SPMC image, its manifest, the normal-world image and SP packages.
function(tessera_config name)
  cmake_parse_arguments(ARG "" "MANIFEST;TOS;NWD;MONITOR" "PARTITIONS" ${ARGN})
  if(NOT ARG_MONITOR)
    set(ARG_MONITOR el3)  # the SPMD; el3_opteed for the OP-TEE dispatcher
  endif()
  set(sp_args)
  set(sp_deps)
  set(pkg_list "")
  foreach(p IN LISTS ARG_PARTITIONS)
    list(APPEND sp_args --sp ${CMAKE_CURRENT_BINARY_DIR}/partitions/${p}.pkg)
    list(APPEND sp_deps partition_${p} ${CMAKE_CURRENT_BINARY_DIR}/partitions/${p}.pkg)
    string(APPEND pkg_list "${CMAKE_CURRENT_BINARY_DIR}/partitions/${p}.pkg\n")
  endforeach()
  # `./tessera run --nwd-image` rebuilds this configuration's FIP around a
  # user's image: it reads the packages from here.
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${name}/partitions.txt "${pkg_list}")
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  add_custom_command(OUTPUT ${dir}/spmc_manifest.dtb
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${DTC} -q -I dts -O dtb -o ${dir}/spmc_manifest.dtb ${ARG_MANIFEST}
    DEPENDS ${ARG_MANIFEST} COMMENT "dtc ${name}/spmc_manifest.dtb")
  add_custom_command(OUTPUT ${dir}/fip.bin ${dir}/flash.bin
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/mkfip.py --tos ${ARG_TOS}.bin
            --tos-config ${dir}/spmc_manifest.dtb --tos-extra1 ${CMAKE_CURRENT_BINARY_DIR}/tas/ta_store.bin
            --nwd ${ARG_NWD}.bin ${sp_args} --out ${dir}/fip.bin
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/mkflash.py --monitor ${ARG_MONITOR}.bin --fip ${dir}/fip.bin
            --out ${dir}/flash.bin
    DEPENDS ${ARG_MONITOR} ${ARG_TOS} ${ARG_NWD} ${CMAKE_CURRENT_BINARY_DIR}/${ARG_MONITOR}.bin
            ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TOS}.bin ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NWD}.bin ${dir}/spmc_manifest.dtb
            ${sp_deps} ta_store ${CMAKE_CURRENT_BINARY_DIR}/tas/ta_store.bin
            ${CMAKE_SOURCE_DIR}/tools/mkfip.py ${CMAKE_SOURCE_DIR}/tools/mkflash.py
    COMMENT "fiptool + flash image ${name}/flash.bin")
  add_custom_target(config_${name} ALL DEPENDS ${dir}/flash.bin)
endfunction()

tessera_config(sel1-spmc MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel1-spmc/spmc_manifest.dts TOS sel1_tos NWD harness
               PARTITIONS echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
# The same with the trusted OS and one S-EL0 partition, echo (a benchmark
# configuration): a direct request to echo or to the trusted OS costs what
# it costs with sel1-spmc's eight endpoints (system.sel1-spmc.bench-partition-count).
tessera_config(sel1-spmc-1p MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel1-spmc-1p/spmc_manifest.dts TOS sel1_tos
               NWD harness PARTITIONS echo)
# sel2-spmc with the harness (a test configuration; ./tessera run --config
# sel2-spmc boots it): the whole suite, the S-EL1 partitions' tests among
# it, the trusted OS an S-EL1 partition and the S-EL0 partitions in the
# hypervisor's EL2&0 regime.
tessera_config(sel2-spmc-harness MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel2-spmc/spmc_manifest.dts TOS sel2_spmc
               NWD harness MONITOR el3_sel2 PARTITIONS tos_sp mp_c up_c up2_c up3_c up4_c irq_c up5_c up6_c
               echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
# The same SPMC with one partition, mp-c, and the harness (a benchmark
# configuration): a direct request to mp-c costs what it costs with the
# sixteen of sel2-spmc (./tessera bench --config sel2-spmc-1p,sel2-spmc).
tessera_config(sel2-spmc-1p MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel2-spmc-1p/spmc_manifest.dts TOS sel2_spmc
               NWD harness MONITOR el3_sel2 PARTITIONS mp_c)
# The Linux normal world (tools/linux): Debian's linux-source-6.1 with the
# FF-A and OP-TEE drivers and a built-in initramfs. The first build takes
# several minutes; -DTESSERA_LINUX=OFF leaves it out (and its system test).
option(TESSERA_LINUX "build the Linux normal world (./tessera run --nwd linux)" ON)
if(TESSERA_LINUX)
  add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/linux.bin
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/linux/build_linux.py
            --out ${CMAKE_CURRENT_BINARY_DIR}/linux-build --jobs 2 --ta ${TA_LOADED}
            --ta ${TA_TAMPERED} --ta ${TA_MISNAMED}
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/linux-build/Image ${CMAKE_CURRENT_BINARY_DIR}/linux.bin
    DEPENDS ${CMAKE_SOURCE_DIR}/tools/linux/build_linux.py ${CMAKE_SOURCE_DIR}/tools/linux/init.c
            ${CMAKE_SOURCE_DIR}/tools/linux/teec_check.c ${CMAKE_SOURCE_DIR}/tools/linux/tessera.config ${TA_LOADED} ${TA_TAMPERED}
            ${CMAKE_SOURCE_DIR}/tas/tas.h
    COMMENT "Linux 6.1 normal world (the first build takes several minutes)" USES_TERMINAL)
  add_custom_target(linux ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/linux.bin)
  tessera_config(sel1-spmc-linux MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel1-spmc/spmc_manifest.dts TOS sel1_tos
                 NWD linux PARTITIONS echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
  # The SPMC at S-EL2 (src/sel2) under the monitor built for it, Linux at
  # NS-EL2 (VHE) as the normal world: the EL2 registers both worlds keep,
  # switched by the monitor on every call; the same partitions as
  # sel2-spmc-harness.
  tessera_config(sel2-spmc MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel2-spmc/spmc_manifest.dts TOS sel2_spmc
                 NWD linux MONITOR el3_sel2 PARTITIONS tos_sp mp_c up_c up2_c up3_c up4_c irq_c up5_c up6_c
                 echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
  # The classic OP-TEE SMC ABI, no FF-A: the OP-TEE dispatcher in the
  # monitor, the same trusted OS (the monitor tells it which mode), the TA
  # store; no SP packages (configs/optee-smc/tos_manifest.dts names none).
  tessera_config(optee-smc MANIFEST ${CMAKE_SOURCE_DIR}/configs/optee-smc/tos_manifest.dts TOS sel1_tos
                 NWD linux MONITOR el3_opteed)
endif()
# The optee-smc configuration with the SMC harness in place of Linux (a
# test configuration; needs no Linux build).
tessera_config(optee-smc-harness MANIFEST ${CMAKE_SOURCE_DIR}/configs/optee-smc/tos_manifest.dts TOS sel1_tos
               NWD harness_smc MONITOR el3_opteed)
# The same secure world under the v1.0 harness (a test configuration).
tessera_config(sel1-spmc-ffa1.0 MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel1-spmc/spmc_manifest.dts TOS sel1_tos
               NWD harness_v1_0 PARTITIONS echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
# And the S-EL2 placement under it (a test configuration): the same v1.0
# client, unchanged, against the SPMC at S-EL2 with sel2-spmc's partitions.
tessera_config(sel2-spmc-ffa1.0 MANIFEST ${CMAKE_SOURCE_DIR}/configs/sel2-spmc/spmc_manifest.dts TOS sel2_spmc
               NWD harness_v1_0 MONITOR el3_sel2 PARTITIONS tos_sp mp_c up_c up2_c up3_c up4_c irq_c up5_c up6_c
               echo hostile_a hostile_b foreign_c keystore gpio_driver ported_c)
