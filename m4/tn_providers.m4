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

# TN_CHECK_VERBS: libibverbs + librdmacm (rdma-core) for the verbs provider:
# from the system, or from --with-verbs=DIR (an install prefix). An explicit
# --with-verbs that finds nothing usable is an error; by default the provider
# is skipped without them. Both libraries are linked into libmpich
# (VERBS_LIBS; see providers/verbs/verbs.h for why not loaded at run time).
AC_DEFUN([TN_CHECK_VERBS], [
  AC_ARG_WITH([verbs],
    [AS_HELP_STRING([--with-verbs@<:@=DIR@:>@],
      [build the verbs provider (default: if rdma-core's libibverbs and librdmacm
       are found); DIR is their install prefix])],
    [], [with_verbs=check])
  tn_verbs_status="no (--without-verbs)"
  have_verbs=no
  VERBS_CFLAGS=
  VERBS_LIBS="-lrdmacm -libverbs"
  AS_CASE([$with_verbs],
    [no|yes|check], [],
    [VERBS_CFLAGS="-I$with_verbs/include"
     tn_verbs_libdir="$with_verbs/lib"
     AS_IF([test -d "$with_verbs/lib64"], [tn_verbs_libdir="$with_verbs/lib64"])
     VERBS_LIBS="-L$tn_verbs_libdir -Wl,-rpath,$tn_verbs_libdir $VERBS_LIBS"])
  AS_IF([test "x$with_verbs" != xno],
    [tn_save_CPPFLAGS=$CPPFLAGS; tn_save_LIBS=$LIBS
     CPPFLAGS="$CPPFLAGS $VERBS_CFLAGS"; LIBS="$VERBS_LIBS $LIBS"
     AC_MSG_CHECKING([for libibverbs and librdmacm with GID tables (rdma-core >= 32)])
     AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>]], [[struct ibv_gid_entry e;
return ibv_query_gid_table(0, &e, 1, 0) + (rdma_create_event_channel() != 0) +
       (ibv_wc_status_str(IBV_WC_SUCCESS) != 0);]])],
       [have_verbs=yes], [])
     AC_MSG_RESULT([$have_verbs])
     CPPFLAGS=$tn_save_CPPFLAGS; LIBS=$tn_save_LIBS
     AS_IF([test "x$have_verbs" = xyes],
       [AC_DEFINE([TN_HAVE_VERBS], [1], [Define to 1 to build the verbs provider.])
        tn_verbs_status="yes (libibverbs + librdmacm, linked)"],
       [tn_verbs_status="no (libibverbs/librdmacm headers or libraries not found: install libibverbs-dev librdmacm-dev, rdma-core >= 32)"
        AS_IF([test "x$with_verbs" != xcheck],
          [AC_MSG_ERROR([--with-verbs: $tn_verbs_status])])])])
  AC_SUBST([VERBS_CFLAGS])
  AC_SUBST([VERBS_LIBS])
  AM_CONDITIONAL([HAVE_VERBS], [test "x$have_verbs" = xyes])
])
