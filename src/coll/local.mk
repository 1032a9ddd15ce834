# Collective algorithms (src/coll) and their API chapter (src/mpi/coll.c).
src_libmpich_la_SOURCES += \
	src/coll/coll.h src/coll/util.h \
	src/coll/util.c \
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
	src/mpi/coll.c
