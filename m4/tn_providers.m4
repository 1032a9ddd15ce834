# TN_CHECK_LIBFABRIC: libfabric for the ofi provider: through pkg-config, or
# from --with-libfabric=DIR (an install prefix). An explicit --with-libfabric
# that finds nothing usable is an error; by default the provider is skipped.
# Tern compiles against libfabric's headers but loads the library at run time
# (providers/ofi/ofi_lib.c), so LIBFABRIC_LIBS only serves the checks here;
# TN_LIBFABRIC_SO names the library to load when DIR is given.
AC_DEFUN([TN_CHECK_LIBFABRIC], [
  AC_ARG_WITH([libfabric],
    [AS_HELP_STRING([--with-libfabric@<:@=DIR@:>@],
      [build the ofi provider (default: if libfabric >= 1.10 is found); DIR is
       libfabric's install prefix])],
    [], [with_libfabric=check])
  tn_ofi_status="no (--without-libfabric)"
  have_ofi=no
  AS_CASE([$with_libfabric],
    [no], [],
    [yes|check],
      [PKG_CHECK_MODULES([LIBFABRIC], [libfabric >= 1.10],
        [have_ofi=yes; tn_ofi_version=`$PKG_CONFIG --modversion libfabric`],
        [tn_ofi_status="no (libfabric >= 1.10 not found: install libfabric-dev or use --with-libfabric=DIR)"])],
    [LIBFABRIC_CFLAGS="-I$with_libfabric/include"
     tn_ofi_libdir="$with_libfabric/lib"
     AS_IF([test -e "$with_libfabric/lib64/libfabric.so.1"], [tn_ofi_libdir="$with_libfabric/lib64"])
     LIBFABRIC_LIBS="-L$tn_ofi_libdir -Wl,-rpath,$tn_ofi_libdir -lfabric"
     tn_save_CPPFLAGS=$CPPFLAGS; tn_save_LIBS=$LIBS
     CPPFLAGS="$CPPFLAGS $LIBFABRIC_CFLAGS"; LIBS="$LIBFABRIC_LIBS $LIBS"
     AC_MSG_CHECKING([for libfabric >= 1.10 in $with_libfabric])
     AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <rdma/fabric.h>
#if FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION) < FI_VERSION(1, 10)
#error libfabric older than 1.10
#endif]], [[return fi_version() == 0;]])],
       [have_ofi=yes; tn_ofi_version="in $with_libfabric"
        AC_DEFINE_UNQUOTED([TN_LIBFABRIC_SO], ["$tn_ofi_libdir/libfabric.so.1"],
          [The libfabric library the ofi provider loads.])],
       [tn_ofi_status="no (no libfabric >= 1.10 in $with_libfabric)"])
     AC_MSG_RESULT([$have_ofi])
     CPPFLAGS=$tn_save_CPPFLAGS; LIBS=$tn_save_LIBS
     AC_SUBST([LIBFABRIC_CFLAGS])
     AC_SUBST([LIBFABRIC_LIBS])])
  AS_IF([test "x$have_ofi" = xyes],
    [AC_SEARCH_LIBS([dlopen], [dl], [],
      [have_ofi=no; tn_ofi_status="no (dlopen not found)"])])
  AS_IF([test "x$have_ofi" = xyes],
    [AC_DEFINE([TN_HAVE_OFI], [1], [Define to 1 to build the ofi (libfabric) provider.])
     tn_ofi_status="yes (libfabric $tn_ofi_version, loaded at run time)"],
    [AS_IF([test "x$with_libfabric" != xno && test "x$with_libfabric" != xcheck],
      [AC_MSG_ERROR([--with-libfabric: $tn_ofi_status])])])
  AM_CONDITIONAL([HAVE_LIBFABRIC], [test "x$have_ofi" = xyes])
])

# TN_CHECK_VERBS: libibverbs + librdmacm for the verbs provider.
AC_DEFUN([TN_CHECK_VERBS], [
  AC_ARG_WITH([verbs],
    [AS_HELP_STRING([--without-verbs], [do not build the verbs provider])],
    [], [with_verbs=check])
  tn_verbs_status="no (--without-verbs)"
  have_verbs=no
  AS_IF([test "x$with_verbs" != xno],
    [tn_save_LIBS=$LIBS
     AC_CHECK_HEADERS([infiniband/verbs.h rdma/rdma_cma.h])
     AC_CHECK_LIB([ibverbs], [ibv_open_device],
       [AC_CHECK_LIB([rdmacm], [rdma_create_id], [have_verbs=yes])])
     LIBS=$tn_save_LIBS
     AS_IF([test "x$have_verbs" = xyes && test "x$ac_cv_header_infiniband_verbs_h" = xyes],
       [tn_verbs_status="no (provider not written yet; libibverbs and librdmacm found)"],
       [have_verbs=no; tn_verbs_status="no (libibverbs/librdmacm not found: install libibverbs-dev librdmacm-dev)"])])
  AM_CONDITIONAL([HAVE_VERBS], [test "x$have_verbs" = xyes])
])
