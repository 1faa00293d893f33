# Build-time test data for tests/unit and tests/fuzz: device trees compiled
# with dtc and FIPs built with fiptool, so that no binary blob is committed.
include_guard(GLOBAL)

find_program(TESSERA_DTC dtc REQUIRED)
find_program(TESSERA_FIPTOOL fiptool REQUIRED)

# tessera_dtb(<list_var> <dts> <dtb> [INCLUDE <dir>...])
# Compiles <dts> into <dtb> and appends <dtb> to <list_var>. dtc writes a
# dependency file, so editing an /include/d file (for example the real
# SPMC manifest) rebuilds every blob made from it.
function(tessera_dtb list_var dts dtb)
  cmake_parse_arguments(arg "" "" "INCLUDE" ${ARGN})
  set(include_args)
  foreach(dir IN LISTS arg_INCLUDE)
    list(APPEND include_args -i ${dir})
  endforeach()
  get_filename_component(out_dir ${dtb} DIRECTORY)
  # The dependency file goes beside, not into, the output directory (a
  # fuzz seed directory must hold seeds only).
  file(RELATIVE_PATH rel ${CMAKE_CURRENT_BINARY_DIR} ${dtb})
  string(REPLACE "/" "_" rel ${rel})
  set(depfile ${CMAKE_CURRENT_BINARY_DIR}/dtc-deps/${rel}.d)
  add_custom_command(
    OUTPUT ${dtb}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir} ${CMAKE_CURRENT_BINARY_DIR}/dtc-deps
    COMMAND ${TESSERA_DTC} -q -I dts -O dtb ${include_args} -d ${depfile} -o ${dtb} ${dts}
    DEPENDS ${dts}
    DEPFILE ${depfile}
    COMMENT "dtc ${dts}"
    VERBATIM)
  set(${list_var} ${${list_var}} ${dtb} PARENT_SCOPE)
endfunction()

# tessera_fip(<list_var> <fip> TOS_FW <file> TOS_FW_CONFIG <file> NT_FW <file>)
# Builds a FIP the way the firmware build does (16-byte alignment).
function(tessera_fip list_var fip)
  cmake_parse_arguments(arg "" "TOS_FW;TOS_FW_CONFIG;NT_FW" "" ${ARGN})
  get_filename_component(out_dir ${fip} DIRECTORY)
  add_custom_command(
    OUTPUT ${fip}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${fip}
    COMMAND ${TESSERA_FIPTOOL} create --align 16 --tos-fw ${arg_TOS_FW} --tos-fw-config ${arg_TOS_FW_CONFIG}
            --nt-fw ${arg_NT_FW} ${fip}
    DEPENDS ${arg_TOS_FW} ${arg_TOS_FW_CONFIG} ${arg_NT_FW}
    COMMENT "fiptool create ${fip}"
    VERBATIM)
  set(${list_var} ${${list_var}} ${fip} PARENT_SCOPE)
endfunction()
