/* The verbs provider's parts that need no RDMA device: the GID choice from
 * GID tables, the address blob, the credit window and the credit protocol
 * (simulated between two ranks with random traffic: no buffer overrun, no
 * deadlock), error messages, and probe()'s answer on a machine without devices. */
#include <check.h>
#include <arpa/inet.h>
#include <glob.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/progress.h"
#include "providers/verbs/verbs.h"

/* The provider reports lost peers to the progress engine, not linked here. */
void tn_progress_peer_lost(int peer, int code)
{
    (void)peer, (void)code;
}

/* ---- GID choice ----------------------------------------------------------- */

static struct ibv_gid_entry entry(uint32_t index, uint32_t type, const char *ip)
{
    struct ibv_gid_entry e;
    struct in_addr a4;

    memset(&e, 0, sizeof(e));
    e.gid_index = index;
    e.port_num = 1;
    e.gid_type = type;
    if (inet_pton(AF_INET, ip, &a4) == 1) {
        e.gid.raw[10] = e.gid.raw[11] = 0xff;
        memcpy(e.gid.raw + 12, &a4, 4);
    } else {
        ck_assert_int_eq(inet_pton(AF_INET6, ip, e.gid.raw), 1);
    }
    return e;
}

START_TEST(gid_rxe_table)
{
    /* rxe over dummy0 with 192.0.2.1: link-local first, then the IPv4 one */
    struct ibv_gid_entry t[] = {
        entry(0, IBV_GID_TYPE_ROCE_V2, "fe80::1"),
        entry(1, IBV_GID_TYPE_ROCE_V2, "192.0.2.1"),
    };
    struct sockaddr_storage ss;
    int i = tn_verbs_gid_pick(t, 2, -1);

    ck_assert_int_eq(i, 1);
    ck_assert(tn_verbs_gid_ip(&t[i].gid, &ss));
    ck_assert_int_eq(ss.ss_family, AF_INET);
    ck_assert_uint_eq(((struct sockaddr_in *)&ss)->sin_addr.s_addr, inet_addr("192.0.2.1"));
    ck_assert(!tn_verbs_gid_ip(&t[0].gid, &ss)); /* link-local: no usable IP */
}
END_TEST

START_TEST(gid_v2_over_v1)
{
    /* a RoCE NIC lists v1 and v2 entries of each address */
    struct ibv_gid_entry t[] = {
        entry(0, IBV_GID_TYPE_ROCE_V1, "fe80::2"),
        entry(1, IBV_GID_TYPE_ROCE_V2, "fe80::2"),
        entry(2, IBV_GID_TYPE_ROCE_V1, "10.1.2.3"),
        entry(3, IBV_GID_TYPE_ROCE_V2, "2001:db8::5"),
        entry(4, IBV_GID_TYPE_ROCE_V2, "10.1.2.3"),
    };

    ck_assert_int_eq(tn_verbs_gid_pick(t, 5, -1), 4);   /* v2 IPv4-mapped first */
    ck_assert_int_eq(tn_verbs_gid_pick(t, 4, -1), 3);   /* then v2 global IPv6 */
    ck_assert_int_eq(tn_verbs_gid_pick(t, 3, -1), 2);   /* then v1 IPv4-mapped */
    ck_assert_int_eq(tn_verbs_gid_pick(t, 2, -1), -1);  /* link-local only: none */
    ck_assert_int_eq(tn_verbs_gid_pick(t, 5, 2), 2);    /* TERN_VERBS_GID_INDEX */
    ck_assert_int_eq(tn_verbs_gid_pick(t, 5, 9), -1);   /* forced, not in the table */
    ck_assert_str_eq(tn_verbs_gid_type_str(IBV_GID_TYPE_ROCE_V2), "RoCE v2");
}
END_TEST

START_TEST(gid_infiniband)
{
    struct ibv_gid_entry t[] = {entry(0, IBV_GID_TYPE_IB, "fe80::0202:c9ff:fe00:1")};

    ck_assert_int_eq(tn_verbs_gid_pick(t, 1, -1), -1); /* IB: LIDs, address from IPoIB */
}
END_TEST

/* ---- address blob --------------------------------------------------------- */

START_TEST(addr_ipv4)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(4791)};
    struct sockaddr_storage out;
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob);

    in.sin_addr.s_addr = inet_addr("192.0.2.1");
    ck_assert(tn_verbs_addr_encode((struct sockaddr *)&in, blob, &len));
    ck_assert_uint_eq(len, sizeof(tn_verbs_addr_t));
    ck_assert(tn_verbs_addr_decode(blob, len, &out));
    ck_assert_int_eq(out.ss_family, AF_INET);
    ck_assert_int_eq(memcmp(&((struct sockaddr_in *)&out)->sin_addr, &in.sin_addr, 4), 0);
    ck_assert_uint_eq(((struct sockaddr_in *)&out)->sin_port, htons(4791));
    char s[80];
    tn_verbs_sockaddr_str((struct sockaddr *)&out, s, sizeof(s));
    ck_assert_str_eq(s, "192.0.2.1:4791");
}
END_TEST

START_TEST(addr_ipv6_and_bad)
{
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(7)};
    struct sockaddr_storage out;
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob), small = 4;

    inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
    ck_assert(tn_verbs_addr_encode((struct sockaddr *)&in6, blob, &len));
    ck_assert(tn_verbs_addr_decode(blob, len, &out));
    ck_assert_int_eq(out.ss_family, AF_INET6);
    ck_assert_int_eq(memcmp(&((struct sockaddr_in6 *)&out)->sin6_addr, &in6.sin6_addr, 16), 0);
    ck_assert(!tn_verbs_addr_encode((struct sockaddr *)&in6, blob, &small)); /* no room */
    ck_assert(!tn_verbs_addr_decode(blob, len - 1, &out));                   /* truncated */
    blob[0] ^= 1;
    ck_assert(!tn_verbs_addr_decode(blob, len, &out)); /* bad magic */
}
END_TEST

/* ---- credits -------------------------------------------------------------- */

START_TEST(window_sizes)
{
    ck_assert_uint_eq(tn_verbs_window(2, 1u << 20), TN_VERBS_WINDOW);
    ck_assert_uint_eq(tn_verbs_window(4, 1u << 20), TN_VERBS_WINDOW);
    ck_assert_uint_eq(tn_verbs_window(513, 1u << 20), TN_VERBS_RX_TOTAL / 512);
    ck_assert_uint_eq(tn_verbs_window(100000, 1u << 20), TN_VERBS_WINDOW_MIN);
    ck_assert_uint_eq(tn_verbs_window(65, 1024), 16); /* the device's SRQ limits it */
}
END_TEST

START_TEST(credit_rules)
{
    tn_verbs_credit_t c;

    tn_verbs_credit_init(&c, 4);
    ck_assert(tn_verbs_credit_may_send(&c, 0));
    tn_verbs_credit_consumed(&c);
    ck_assert_uint_eq(tn_verbs_credit_take(&c), 1); /* piggybacks what is owed */
    ck_assert_uint_eq(c.owed, 0);
    tn_verbs_credit_take(&c);
    tn_verbs_credit_take(&c);
    ck_assert_uint_eq(c.avail, 1);
    ck_assert(!tn_verbs_credit_may_send(&c, 0)); /* the last credit is for credits */
    ck_assert(tn_verbs_credit_may_send(&c, 1));
    tn_verbs_credit_consumed(&c);
    ck_assert(!tn_verbs_credit_update_due(&c, 4));
    tn_verbs_credit_consumed(&c);
    ck_assert(tn_verbs_credit_update_due(&c, 4));
    tn_verbs_credit_grant(&c, 3);
    ck_assert_uint_eq(c.avail, 4);
}
END_TEST

/* Two ranks, each with data to send, random interleaving of sends, credit
 * messages and deliveries (one in-order channel per direction). Checks that
 * no message ever finds the receiver's window full and that some step is
 * always possible until everything is delivered. */
#define SIM_CH 4096
typedef struct sim_msg {
    uint16_t credits;
    int ctl;
} sim_msg_t;
typedef struct sim_side {
    tn_verbs_credit_t cr;
    int to_send;          /* data messages left */
    int in_use;           /* the peer's messages held here, not consumed */
    sim_msg_t ch[SIM_CH]; /* towards the other side */
    int head, tail;
} sim_side_t;

static int sim_send(sim_side_t *s, int ctl)
{
    if (!tn_verbs_credit_may_send(&s->cr, ctl) || (!ctl && !s->to_send))
        return 0;
    s->ch[s->tail++ % SIM_CH] = (sim_msg_t){tn_verbs_credit_take(&s->cr), ctl};
    s->to_send -= !ctl;
    return 1;
}

static int sim_arrive(sim_side_t *from, sim_side_t *to, uint32_t window, long *data)
{
    if (from->head == from->tail)
        return 0;
    sim_msg_t m = from->ch[from->head++ % SIM_CH];
    ck_assert_uint_lt(to->in_use, window); /* an SRQ buffer was there for it */
    to->in_use++;
    tn_verbs_credit_grant(&to->cr, m.credits);
    *data += !m.ctl;
    return 1;
}

static int sim_consume(sim_side_t *s)
{
    if (!s->in_use)
        return 0;
    s->in_use--;
    tn_verbs_credit_consumed(&s->cr);
    return 1;
}

static void simulate(uint32_t window, int na, int nb, unsigned seed)
{
    sim_side_t *s = calloc(2, sizeof(*s));
    long got = 0;

    srand(seed);
    for (int i = 0; i < 2; i++)
        tn_verbs_credit_init(&s[i].cr, window);
    s[0].to_send = na;
    s[1].to_send = nb;
    while (got < na + nb || s[0].in_use || s[1].in_use) {
        int x = rand() % 2, done = 0;
        sim_side_t *me = &s[x], *other = &s[1 - x];
        /* a random step first, then any possible step (deadlock check) */
        for (int t = 0; t < 2 && !done; t++) {
            int k = t == 0 ? rand() % 4 : -1;
            if (k == 0 || k < 0)
                done = sim_send(me, 0);
            if (!done && (k == 1 || k < 0) && tn_verbs_credit_update_due(&me->cr, window))
                done = sim_send(me, 1);
            if (!done && (k == 2 || k < 0))
                done = sim_arrive(other, me, window, &got);
            if (!done && (k == 3 || k < 0))
                done = sim_consume(me);
        }
        if (!done) { /* the other side then must be able to move */
            done = sim_send(other, 0) ||
                   (tn_verbs_credit_update_due(&other->cr, window) && sim_send(other, 1)) ||
                   sim_arrive(me, other, window, &got) || sim_consume(other);
            ck_assert_msg(done, "deadlock: window %u, %ld of %d delivered", window, got,
                          na + nb);
        }
    }
    ck_assert_int_eq(s[0].to_send + s[1].to_send, 0);
    free(s);
}

START_TEST(credit_simulation)
{
    static const uint32_t windows[] = {TN_VERBS_WINDOW_MIN, 5, 8, TN_VERBS_WINDOW};
    for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++)
        for (unsigned seed = 1; seed <= 20; seed++) {
            simulate(windows[w], 2000, 0, seed);
            simulate(windows[w], 1000, 1000, seed);
            simulate(windows[w], 1500, 7, seed);
        }
}
END_TEST

/* ---- error messages ------------------------------------------------------- */

/* An error naming a peer says the peer is lost (what p2p and the tests look
 * for), the device and port, both ranks, what failed and why. */
START_TEST(error_names_everything)
{
    tn_verbs_t tp;
    const char *msg;

    memset(&tp, 0, sizeof(tp));
    snprintf(tp.choice.dev, sizeof(tp.choice.dev), "rxe0");
    tp.choice.port = 1;
    tp.params.rank = 2;
    msg = tn_err_string(tn_verbs_error(&tp, "reading the memory of", 5,
                                       ibv_wc_status_str(IBV_WC_RETRY_EXC_ERR)));
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "rxe0 port 1"));
    ck_assert_ptr_nonnull(strstr(msg, "rank 2: lost rank 5: reading the memory of rank 5 failed"));
    ck_assert_ptr_nonnull(strstr(msg, ibv_wc_status_str(IBV_WC_RETRY_EXC_ERR)));
    msg = tn_err_string(tn_verbs_error(&tp, "creating the completion queue", -1, "no memory"));
    ck_assert_ptr_null(strstr(msg, "lost"));
    ck_assert_ptr_nonnull(strstr(msg, "creating the completion queue failed: no memory"));
}
END_TEST

/* ---- probe ---------------------------------------------------------------- */

START_TEST(probe_without_devices)
{
    glob_t g;
    const char *why = NULL;
    int devices = glob("/sys/class/infiniband/*", 0, NULL, &g) == 0 && g.gl_pathc > 0;

    globfree(&g);
    if (devices)
        return; /* a machine with RDMA devices: nothing to check here */
    ck_assert_int_eq(tn_verbs_ops.probe(&why), 0);
    ck_assert_ptr_nonnull(why);
    ck_assert_str_eq(why, "no RDMA devices (/sys/class/infiniband is empty)");
    ck_assert_ptr_nonnull(tn_verbs_ops.describe);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verbs");
    TCase *tc = tcase_create("no device");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gid_rxe_table);
    tcase_add_test(tc, gid_v2_over_v1);
    tcase_add_test(tc, gid_infiniband);
    tcase_add_test(tc, addr_ipv4);
    tcase_add_test(tc, addr_ipv6_and_bad);
    tcase_add_test(tc, window_sizes);
    tcase_add_test(tc, credit_rules);
    tcase_add_test(tc, credit_simulation);
    tcase_add_test(tc, error_names_everything);
    tcase_add_test(tc, probe_without_devices);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
