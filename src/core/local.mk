src_libmpich_la_SOURCES += \
	src/core/config.c src/core/config.h \
	src/core/handle.c src/core/handle.h \
	src/core/progress.c src/core/progress.h \
	src/core/runtime.c src/core/runtime.h
