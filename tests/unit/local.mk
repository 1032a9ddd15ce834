if HAVE_CHECK
check_PROGRAMS += tests/unit/test_match tests/unit/test_handle tests/unit/test_pmi_mapping
TESTS += tests/unit/test_match tests/unit/test_handle tests/unit/test_pmi_mapping
tests_unit_test_match_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_match_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_handle_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_handle_LDADD = src/libmpich.la $(CHECK_LIBS)
tests_unit_test_pmi_mapping_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_pmi_mapping_LDADD = src/libmpich.la $(CHECK_LIBS)
endif

TESTS += tests/unit/abi-check.sh
EXTRA_DIST += tests/unit/abi-check.sh tests/unit/abi_values.c
