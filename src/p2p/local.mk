src_libmpich_la_SOURCES += \
	src/p2p/p2p.h src/p2p/proto.h src/p2p/request.h \
	src/p2p/request.c \
	src/p2p/match.c \
	src/p2p/eager.c \
	src/p2p/rndv.c \
	src/p2p/rget.c \
	src/p2p/lost.c \
	src/p2p/p2p.c
