# The verbs provider: built when configure found libibverbs and librdmacm
# (HAVE_VERBS, which also defines TN_HAVE_VERBS for the registry). Both are
# linked into libmpich (see providers/verbs/verbs.h).
if HAVE_VERBS
tn_verbs_sources = \
	providers/verbs/verbs.h \
	providers/verbs/verbs_dev.c \
	providers/verbs/verbs_conn.c \
	providers/verbs/verbs_msg.c \
	providers/verbs/verbs_rma.c \
	providers/verbs/verbs_provider.c

# Only an include path (empty for a system rdma-core), harmless to the rest.
AM_CPPFLAGS += $(VERBS_CFLAGS)
src_libmpich_la_SOURCES += $(tn_verbs_sources)
src_libmpich_la_LIBADD += $(VERBS_LIBS)

if HAVE_CHECK
# Built from the provider's sources and the self-contained error/config code,
# like test_ofi; what it tests needs no RDMA device.
check_PROGRAMS += tests/unit/test_verbs
TESTS += tests/unit/test_verbs
tests_unit_test_verbs_SOURCES = tests/unit/test_verbs.c $(tn_verbs_sources) \
	src/core/error.c src/core/config.c
tests_unit_test_verbs_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_verbs_LDADD = $(CHECK_LIBS) $(VERBS_LIBS)
endif
endif
