# Cross-building gpubench for aarch64 Linux (Graviton, Ampere, Grace, a Linux container on an
# Apple-silicon laptop) on an x86-64 Debian/Ubuntu host, with Debian's cross compiler and the
# arm64 libraries installed through multiarch (docs/arm.md lists the packages):
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install crossbuild-essential-arm64 qemu-user-static libfmt-dev:arm64 libgtest-dev:arm64 \
#                   libopenblas0:arm64 libblis4-openmp:arm64 libcli11-dev nlohmann-json3-dev
# The `aarch64` preset uses this file. Its tests run under qemu-user: CMake puts
# CMAKE_CROSSCOMPILING_EMULATOR in front of every test command and of the build's own runs of
# gpubench (completions, man page).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: the arm64 libraries and their CMake packages live in /usr/lib/aarch64-linux-gnu,
# beside the host's; the header-only ones (CLI11, nlohmann-json) are the host's own packages.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
# Programs (git, python3, dpkg-shlibdeps) are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# qemu-user runs the aarch64 binaries. With libc6:arm64 installed through multiarch, the dynamic
# loader is at /lib/ld-linux-aarch64.so.1 and finds the arm64 libraries in their multiarch
# folders, so no QEMU_LD_PREFIX is needed (with only the cross toolchain's libc, set
# QEMU_LD_PREFIX=/usr/aarch64-linux-gnu).
find_program(GPUBENCH_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(GPUBENCH_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${GPUBENCH_QEMU_AARCH64}")
endif()

