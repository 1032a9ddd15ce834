src_libmpich_la_SOURCES += \
	src/mpi/api.h src/mpi/args.h src/mpi/check.h src/mpi/pt2pt.h \
	src/mpi/init.c \
	src/mpi/env.c \
	src/mpi/mem.c \
	src/mpi/check.c \
	src/mpi/send.c \
	src/mpi/recv.c \
	src/mpi/probe.c \
	src/mpi/request.c \
	src/mpi/persistent.c \
	src/mpi/bsend.c \
	src/mpi/greq.c \
	src/mpi/abi_data.c \
	src/mpi/handle_convert.c

bin_PROGRAMS += src/tern_info
src_tern_info_SOURCES = src/tern_info.c
src_tern_info_LDADD = src/libmpich.la

bin_SCRIPTS += src/wrappers/mpicc
