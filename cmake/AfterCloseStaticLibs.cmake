# libnl and jansson, linked from Debian's static archives when they are installed.
#
# Criterion looks up each of its sections (tests, suites, a dozen report hooks) in every loaded
# object, mapping and unmapping parts of each file every time: with twelve objects that was about
# 500 munmap calls per ctest test (two processes), and in a virtual machine each is a TLB
# shootdown. libnl-3-dev, libnl-route-3-dev, libnl-idiag-3-dev and libjansson-dev ship .a files;
# linked from them, three to four objects fewer are loaded. Without them the shared libraries are.
option(AFTERCLOSE_STATIC_LIBS "Link libnl and jansson from their static archives when installed" ON)

add_library(ac_libnl INTERFACE)
find_library(AC_LIBNL_A NAMES libnl-3.a)
find_library(AC_LIBNL_ROUTE_A NAMES libnl-route-3.a)
find_library(AC_LIBNL_IDIAG_A NAMES libnl-idiag-3.a)
if(AFTERCLOSE_STATIC_LIBS AND AC_LIBNL_A AND AC_LIBNL_ROUTE_A AND AC_LIBNL_IDIAG_A)
  target_include_directories(ac_libnl INTERFACE ${LIBNL_INCLUDE_DIRS})
  target_link_libraries(ac_libnl INTERFACE ${AC_LIBNL_IDIAG_A} ${AC_LIBNL_ROUTE_A} ${AC_LIBNL_A}
    Threads::Threads m)
else()
  target_link_libraries(ac_libnl INTERFACE PkgConfig::LIBNL)
endif()
