# The datatype engine, reduction ops and their API chapters.
src_libmpich_la_SOURCES += \
	src/core/datatype.c src/core/datatype.h \
	src/core/dtype_build.c \
	src/core/dtype_pack.c \
	src/core/op.c src/core/op.h \
	src/mpi/datatype.c \
	src/mpi/op.c \
	src/mpi/pack.c

# The reduction kernels are built with the vectorizer's flags (see configure.ac).
noinst_LTLIBRARIES += src/libtn_kernels.la
src_libtn_kernels_la_SOURCES = src/core/op_kernels.c
src_libtn_kernels_la_CFLAGS = $(AM_CFLAGS) $(TN_VEC_CFLAGS)
src_libmpich_la_LIBADD += src/libtn_kernels.la

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_datatype tests/unit/test_op
TESTS += tests/unit/test_datatype tests/unit/test_op
tests_unit_test_datatype_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_datatype_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_op_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_op_LDADD = src/libmpich.la $(CHECK_LIBS)
endif
