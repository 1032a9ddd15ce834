# Collective algorithms (src/coll) and their API chapter (src/mpi/coll*.c).
src_libmpich_la_SOURCES += \
	src/coll/coll.h src/coll/util.h src/coll/sched.h src/coll/select.h src/coll/node.h \
	src/coll/util.c \
	src/coll/sched.c \
	src/coll/select.c \
	src/coll/barrier.c \
	src/coll/bcast.c \
	src/coll/reduce.c \
	src/coll/allreduce.c \
	src/coll/gather.c \
	src/coll/scatter.c \
	src/coll/allgather.c \
	src/coll/alltoall.c \
	src/coll/reduce_scatter.c \
	src/coll/scan.c \
	src/coll/inter.c \
	src/coll/neighbor.c \
	src/coll/node.c \
	src/mpi/coll.h \
	src/mpi/coll.c \
	src/mpi/coll_nb.c \
	src/mpi/coll_persist.c \
	src/mpi/coll_neighbor.c

# The algorithms alone, over a simulated in-process p2p layer (no library needed).
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_coll_algos
TESTS += tests/unit/test_coll_algos
tests_unit_test_coll_algos_SOURCES = tests/unit/test_coll_algos.c \
	src/coll/util.c src/coll/sched.c src/coll/select.c src/coll/barrier.c src/coll/bcast.c \
	src/coll/reduce.c src/coll/allreduce.c src/coll/gather.c src/coll/scatter.c src/coll/allgather.c \
	src/coll/alltoall.c src/coll/reduce_scatter.c src/coll/scan.c
tests_unit_test_coll_algos_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -pthread
tests_unit_test_coll_algos_LDADD = $(CHECK_LIBS)
endif
