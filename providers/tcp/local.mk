src_libmpich_la_SOURCES += providers/tcp/tcp.h providers/tcp/tcp_provider.c providers/tcp/tcp_conn.c providers/tcp/tcp_send.c providers/tcp/tcp_recv.c providers/tcp/tcp_iface.c
