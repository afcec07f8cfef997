# Criterion, linked the fast way when Debian's static archives are there.
#
# Debian's libcriterion.so brings 19 shared libraries with it (libgit2 and through it mbedTLS,
# krb5, libssh2 ...). Every test is two processes (the runner and Criterion's worker), and the
# dynamic loader's symbol lookups over those libraries were about two thirds of the instructions
# of a one-test run (ci/bench). libcriterion-dev also ships libcriterion.a, which needs BoxFort's
# and nanopb's archives (libboxfort-dev, libnanopb-dev), nanomsg and libffi; libgit2 serves only
# the diffs of Criterion's new-style assertions, which afterclose does not use, so three stand-ins
# (runner/criterion_glue.c) take its place. Without the archives the shared library is used.
option(AFTERCLOSE_STATIC_CRITERION "Link Criterion's static archive when it is installed" ON)

find_package(Threads REQUIRED)
pkg_check_modules(CRITERION REQUIRED IMPORTED_TARGET criterion)
add_library(ac_criterion INTERFACE)
set(AC_CRITERION_STATIC OFF)
if(AFTERCLOSE_STATIC_CRITERION)
  find_library(AC_CRITERION_A NAMES libcriterion.a)
  find_library(AC_BOXFORT_A NAMES libboxfort.a)
  find_library(AC_NANOPB_A NAMES libprotobuf-nanopb.a)
  pkg_check_modules(NANOMSG IMPORTED_TARGET nanomsg)
  pkg_check_modules(LIBFFI IMPORTED_TARGET libffi)
  if(AC_CRITERION_A AND AC_BOXFORT_A AND AC_NANOPB_A AND NANOMSG_FOUND AND LIBFFI_FOUND)
    set(AC_CRITERION_STATIC ON)
  else()
    message(WARNING "Criterion's static archives are incomplete (libcriterion-dev, libboxfort-dev, "
      "libnanopb-dev, libnanomsg-dev, libffi-dev): linking the shared library, every test "
      "starts several times slower")
  endif()
endif()
if(AC_CRITERION_STATIC)
  target_include_directories(ac_criterion INTERFACE ${CRITERION_INCLUDE_DIRS})
  target_link_libraries(ac_criterion INTERFACE ${AC_CRITERION_A} ${AC_BOXFORT_A} ${AC_NANOPB_A}
    PkgConfig::NANOMSG PkgConfig::LIBFFI Threads::Threads m rt)
else()
  target_link_libraries(ac_criterion INTERFACE PkgConfig::CRITERION)
endif()
