# The TCP provider: always built.
tn_tcp_sources = \
	providers/tcp/tcp.h \
	providers/tcp/tcp_provider.c \
	providers/tcp/tcp_conn.c \
	providers/tcp/tcp_send.c \
	providers/tcp/tcp_recv.c \
	providers/tcp/tcp_iface.c

src_libmpich_la_SOURCES += $(tn_tcp_sources)

if HAVE_CHECK
# Built from the provider's sources and the self-contained error/config code,
# so it does not wait for the rest of the library.
check_PROGRAMS += tests/unit/test_tcp
TESTS += tests/unit/test_tcp
tests_unit_test_tcp_SOURCES = tests/unit/test_tcp.c $(tn_tcp_sources) \
	src/core/error.c src/core/config.c
tests_unit_test_tcp_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tcp_LDADD = $(CHECK_LIBS)
endif
