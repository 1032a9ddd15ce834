# mpirun: process manager and PMI-1 server for one-node jobs. The top-level
# install hook adds mpiexec as a link to it.
bin_PROGRAMS += src/launcher/mpirun
src_launcher_mpirun_SOURCES = \
	src/launcher/launcher.h \
	src/launcher/mpirun.c \
	src/launcher/job.c \
	src/launcher/spawn.c \
	src/launcher/pmi_server.c \
	src/launcher/stdio_forward.c \
	src/pmi/pmi_wire.h \
	src/pmi/pmi_wire.c
# own CFLAGS (here and for pmi_probe below) keep these objects apart from
# libmpich's libtool objects of the same sources
src_launcher_mpirun_CFLAGS = $(AM_CFLAGS)

# tests/launcher/run.sh runs mpirun (src/launcher/mpirun) with pmi_probe, a
# small program that speaks PMI through src/pmi alone, and with MPICH-built
# programs when mpicc.mpich is installed.
check_PROGRAMS += tests/launcher/pmi_probe
tests_launcher_pmi_probe_SOURCES = \
	tests/launcher/pmi_probe.c \
	tests/launcher/err_stub.c \
	src/pmi/pmi_simple.c \
	src/pmi/pmi_wire.c
tests_launcher_pmi_probe_CFLAGS = $(AM_CFLAGS)
TESTS += tests/launcher/run.sh
EXTRA_DIST += tests/launcher/run.sh
