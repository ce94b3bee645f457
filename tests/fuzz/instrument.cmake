# Included by the top-level CMakeLists.txt before any target exists when GPUBENCH_FUZZ is ON: every
# library is compiled with coverage for libFuzzer and with ASan + UBSan, whatever libraries the
# sources are split into, so that the fuzzer sees the parsers' branches and the sanitizers their
# memory. Only the targets in tests/fuzz add libFuzzer's main (-fsanitize=fuzzer).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "GPUBENCH_FUZZ needs clang (libFuzzer); configure with the `fuzz` preset "
                      "or -DCMAKE_CXX_COMPILER=clang++")
endif()
# UBSan does not recover: a finding must stop the run, not scroll past in the log.
set(GPUBENCH_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
add_compile_options(-fsanitize=fuzzer-no-link ${GPUBENCH_FUZZ_SANITIZERS} -fno-omit-frame-pointer)
add_link_options(${GPUBENCH_FUZZ_SANITIZERS})
