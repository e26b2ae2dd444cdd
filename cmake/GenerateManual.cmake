# cmake -DPROBITY=BINARY -DINDEX=FILE -DOUTPUT_DIR=DIR -P GenerateManual.cmake
# Writes DIR/man/man{1,5,7}/*.{1,5,7}.gz and DIR/html/ with probity manual.
foreach(required PROBITY INDEX OUTPUT_DIR)
  if(NOT ${required})
    message(FATAL_ERROR "GenerateManual.cmake needs -D${required}=...")
  endif()
endforeach()

foreach(format man html)
  file(REMOVE_RECURSE ${OUTPUT_DIR}/${format})
  execute_process(
    COMMAND ${PROBITY} manual --format ${format} --index ${INDEX} -o ${OUTPUT_DIR}/${format}
    OUTPUT_QUIET
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "probity manual --format ${format} failed (${status})")
  endif()
endforeach()

# Debian installs man pages compressed, without a timestamp in the gzip header.
find_program(GZIP gzip REQUIRED)
file(GLOB_RECURSE pages ${OUTPUT_DIR}/man/man*/*)
list(FILTER pages EXCLUDE REGEX "\\.gz$")
if(NOT pages)
  message(FATAL_ERROR "probity manual --format man wrote no page under ${OUTPUT_DIR}/man")
endif()
execute_process(COMMAND ${GZIP} -9nf ${pages} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip of the man pages failed (${status})")
endif()
