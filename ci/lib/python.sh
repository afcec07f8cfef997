# shellcheck shell=sh disable=SC2034
# AC_PYTHON3: Debian's python3, which apt's python3-* modules are for. A version manager's
# python3 first on PATH may lack them, and its shim costs more than the script it runs.
AC_PYTHON3=/usr/bin/python3
[ -x "$AC_PYTHON3" ] || AC_PYTHON3=python3
