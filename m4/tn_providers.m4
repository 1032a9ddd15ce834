# TN_CHECK_LIBFABRIC: libfabric for the ofi provider (via pkg-config).
AC_DEFUN([TN_CHECK_LIBFABRIC], [
  AC_ARG_WITH([libfabric],
    [AS_HELP_STRING([--without-libfabric], [do not build the ofi provider])],
    [], [with_libfabric=check])
  tn_ofi_status="no (--without-libfabric)"
  have_ofi=no
  AS_IF([test "x$with_libfabric" != xno],
    [PKG_CHECK_MODULES([LIBFABRIC], [libfabric >= 1.10],
      [have_ofi=yes; tn_ofi_status="no (provider not written yet; libfabric found)"],
      [tn_ofi_status="no (libfabric >= 1.10 not found: install libfabric-dev)"])])
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
