# The README's C example is the file native/examples/minimal.c, which CMake builds and CTest runs: this check
# (cmake -DREADME=... -DEXAMPLE=... -P CheckReadmeExample.cmake) fails when the two drift apart.
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "```c\n${example}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md has no ```c block equal to ${EXAMPLE}: copy the file into the README's C API section")
endif()
message(STATUS "README's C example matches ${EXAMPLE}")
