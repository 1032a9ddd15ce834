# Bootstrap through PMI-1 (src/pmi/pmi.h). pmi_wire.c is also linked into
# mpirun (src/launcher/local.mk), which serves the same protocol.
src_libmpich_la_SOURCES += \
	src/pmi/pmi.h \
	src/pmi/pmi_wire.h \
	src/pmi/pmi_wire.c \
	src/pmi/pmi_simple.c \
	src/pmi/pmi_codec.c \
	src/pmi/pmi_mapping.c

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_pmi_wire
TESTS += tests/unit/test_pmi_wire
tests_unit_test_pmi_wire_SOURCES = \
	tests/unit/test_pmi_wire.c \
	src/pmi/pmi_wire.c \
	src/pmi/pmi_codec.c \
	tests/launcher/err_stub.c
tests_unit_test_pmi_wire_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_pmi_wire_LDADD = $(CHECK_LIBS)
endif
