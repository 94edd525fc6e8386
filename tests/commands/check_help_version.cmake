# Every command answers --help (exit 0, a usage line, then one flag per line, --help and
# --version among them) and --version (exit 0, "<name> <project version>").
#   cmake -DVERSION=X.Y.Z -DCOMMANDS="path1;path2" -P check_help_version.cmake
foreach(command IN LISTS COMMANDS)
  get_filename_component(name "${command}" NAME)
  execute_process(COMMAND "${command}" --version RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out STREQUAL "${name} ${VERSION}\n")
    message(FATAL_ERROR "${name} --version: exit ${status}, printed '${out}' (stderr '${err}'), "
                        "expected '${name} ${VERSION}'")
  endif()
  execute_process(COMMAND "${command}" --help RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out MATCHES "^usage: ${name}")
    message(FATAL_ERROR "${name} --help: exit ${status}, printed '${out}' (stderr '${err}')")
  endif()
  foreach(flag --help --version)
    if(NOT out MATCHES "\n  ${flag} ")
      message(FATAL_ERROR "${name} --help does not list ${flag} on a line of its own:\n${out}")
    endif()
  endforeach()
  message(STATUS "${name}: --help and --version answer")
endforeach()
