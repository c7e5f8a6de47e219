# The user programs on Kite's disk, each built from user/NAME.c. Included by the guest
# build (guest-os/CMakeLists.txt), which compiles them, and by the host build
# (cmake/guests.cmake), which puts them on the disk image.
set(KITE_PROGRAMS
  init sh
  ls cat echo rm ps kill uptime mem shutdown reboot
  demo fault spin
  mkdir wc grep stress)
