# The shared-memory provider (Linux: shm_open, process_vm_readv, abstract
# AF_UNIX sockets). The registry lists it when TN_HAVE_SHM is defined.
tn_shm_sources = \
	providers/shm/shm.h \
	providers/shm/shm_provider.c \
	providers/shm/shm_segment.c \
	providers/shm/shm_ring.c \
	providers/shm/shm_cma.c \
	providers/shm/shm_wake.c \
	providers/shm/shm_lost.c

src_libmpich_la_SOURCES += $(tn_shm_sources)

if HAVE_CHECK
# Built from the provider's sources and the self-contained error/config code,
# like test_tcp.
check_PROGRAMS += tests/unit/test_shm
TESTS += tests/unit/test_shm
tests_unit_test_shm_SOURCES = tests/unit/test_shm.c $(tn_shm_sources) \
	src/core/error.c src/core/config.c
tests_unit_test_shm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_shm_LDADD = $(CHECK_LIBS)
endif
