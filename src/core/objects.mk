# Core objects and their API chapters: errors and error handlers, groups,
# communicators, attributes, info objects, process topologies.
src_libmpich_la_SOURCES += \
	src/core/error.c src/core/error.h \
	src/core/errhandler.c src/core/errhandler.h \
	src/core/group.c src/core/group.h \
	src/core/comm.c src/core/intercomm.c src/core/comm.h \
	src/core/attr.c src/core/attr.h \
	src/core/info.c src/core/info.h \
	src/core/topo.c src/core/topo.h \
	src/mpi/errhandler.c \
	src/mpi/group.c \
	src/mpi/comm.c \
	src/mpi/attr.c \
	src/mpi/info.c \
	src/mpi/topo.c

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_error tests/unit/test_group tests/unit/test_info \
	tests/unit/test_topo
TESTS += tests/unit/test_error tests/unit/test_group tests/unit/test_info tests/unit/test_topo
tests_unit_test_error_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_error_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_group_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_group_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_info_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_info_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_topo_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_topo_LDADD = src/libmpich.la $(CHECK_LIBS)
endif
