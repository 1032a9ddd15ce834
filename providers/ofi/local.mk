# The libfabric provider: built when configure found libfabric (HAVE_LIBFABRIC,
# which also defines TN_HAVE_OFI for the registry). libfabric is loaded at run
# time (ofi_lib.c), so nothing links it; only its headers are needed.
if HAVE_LIBFABRIC
tn_ofi_sources = \
	providers/ofi/ofi.h \
	providers/ofi/ofi_lib.c \
	providers/ofi/ofi_provider.c \
	providers/ofi/ofi_ep.c \
	providers/ofi/ofi_msg.c \
	providers/ofi/ofi_rma.c \
	providers/ofi/ofi_watch.c

# Only an include path (empty for a system libfabric), harmless to the rest.
AM_CPPFLAGS += $(LIBFABRIC_CFLAGS)
src_libmpich_la_SOURCES += $(tn_ofi_sources)

if HAVE_CHECK
# Built from the provider's sources and the self-contained error/config code,
# like test_tcp.
check_PROGRAMS += tests/unit/test_ofi
TESTS += tests/unit/test_ofi
tests_unit_test_ofi_SOURCES = tests/unit/test_ofi.c $(tn_ofi_sources) \
	src/core/error.c src/core/config.c
tests_unit_test_ofi_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ofi_LDADD = $(CHECK_LIBS)
endif
endif
