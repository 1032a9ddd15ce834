# The datatype engine, reduction ops and their API chapters.
src_libmpich_la_SOURCES += \
	src/core/datatype.c src/core/datatype.h \
	src/core/dtype_build.c \
	src/core/dtype_pack.c \
	src/core/op.c src/core/op.h \
	src/core/op_kernels.c \
	src/mpi/datatype.c \
	src/mpi/op.c \
	src/mpi/pack.c

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_datatype tests/unit/test_op
TESTS += tests/unit/test_datatype tests/unit/test_op
tests_unit_test_datatype_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_datatype_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_op_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_op_LDADD = src/libmpich.la $(CHECK_LIBS)
endif
