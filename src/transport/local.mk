src_libmpich_la_SOURCES += \
	src/transport/transport.h \
	src/transport/registry.c \
	src/transport/self.c
