/* Intercommunicators: MPI_Intercomm_create, MPI_Intercomm_merge and the dup
 * of an intercommunicator. Each side agrees on its free context ids over its
 * local group, the two leaders swap what their sides know, and each leader
 * broadcasts the other side's answer to its group. */
#include <stdlib.h>
#include <string.h>
#include "coll/coll.h"
#include "core/comm.h"
#include "core/error.h"
#include "p2p/p2p.h"

/* User tags are at most MPI_TAG_UB; these are above the masked range. */
#define TN_TAG_MERGE 0x3ffffffe
#define TN_TAG_DUP 0x3ffffffd

/* The leaders swap int arrays over bridge, then each broadcasts what it got
 * to its local group. *theirs is malloc'ed. */
static int swap(tn_comm_t *local, int leader, tn_comm_t *bridge, int remote_leader, int tag,
                const int *mine, int nmine, int **theirs, int *ntheirs)
{
    tn_datatype_t *dt = tn_datatype_get(MPI_INT);
    int itag = tn_comm_ctor_tag(tag), n = -1, rc = MPI_SUCCESS, *buf = NULL;
    tn_request_t *req;
    if (local->rank == leader) {
        rc = tn_p2p_isend(&nmine, 1, dt, remote_leader, itag, bridge, TN_CTX_COLL, TN_SEND_STD,
                          &req);
        if (!rc) {
            rc = tn_p2p_recv(&n, 1, dt, remote_leader, itag, bridge, TN_CTX_COLL,
                             MPI_STATUS_IGNORE);
            int rc2 = tn_request_wait(req, MPI_STATUS_IGNORE);
            rc = rc ? rc : rc2;
        }
        if (!rc && !(buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf)))
            rc = TN_ERR_SETMEM("intercommunicator creation");
        if (!rc)
            rc = tn_p2p_isend(mine, nmine, dt, remote_leader, itag, bridge, TN_CTX_COLL,
                              TN_SEND_STD, &req);
        if (!rc) {
            rc = tn_p2p_recv(buf, n, dt, remote_leader, itag, bridge, TN_CTX_COLL,
                             MPI_STATUS_IGNORE);
            int rc2 = tn_request_wait(req, MPI_STATUS_IGNORE);
            rc = rc ? rc : rc2;
        }
        if (rc)
            n = -1; /* tells the group the swap failed */
    }
    int brc = tn_coll_bcast(&n, 1, dt, leader, local);
    if (!rc && !brc && n < 0)
        rc = tn_err_set(MPI_ERR_OTHER,
                        "intercommunicator creation: the local leader failed to exchange data "
                        "with the remote leader");
    rc = rc ? rc : brc;
    if (!rc && local->rank != leader && !(buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf)))
        rc = TN_ERR_SETMEM("intercommunicator creation");
    if (!rc)
        rc = tn_coll_bcast(buf, n, dt, leader, local);
    if (rc) {
        free(buf);
        return rc;
    }
    *theirs = buf;
    *ntheirs = n;
    return MPI_SUCCESS;
}

/* Agrees on nids context ids free on every member of both sides; extra ints
 * travel along. *theirs gets the other side's extra ints (malloc'ed). */
static int inter_agree(const char *fname, tn_comm_t *local, int leader, tn_comm_t *bridge,
                       int remote_leader, int tag, const int *extra, int nextra, int nids,
                       uint16_t *ids, int **theirs, int *ntheirs)
{
    uint32_t mask[TN_CTX_WORDS], all[TN_CTX_WORDS];
    int *mine = malloc((size_t)(TN_CTX_WORDS + nextra) * sizeof *mine), *got = NULL, ngot = 0;
    if (!mine)
        return TN_ERR_SETMEM(fname);
    tn_comm_ctx_mask(mask);
    int rc = tn_coll_allreduce(mask, all, TN_CTX_WORDS, tn_datatype_get(MPI_UNSIGNED),
                               tn_op_get(MPI_BAND), local);
    if (!rc) {
        memcpy(mine, all, sizeof all);
        if (nextra)
            memcpy(mine + TN_CTX_WORDS, extra, (size_t)nextra * sizeof *extra);
        rc = swap(local, leader, bridge, remote_leader, tag, mine, TN_CTX_WORDS + nextra, &got,
                  &ngot);
    }
    free(mine);
    if (rc)
        return rc;
    if (ngot < TN_CTX_WORDS) {
        free(got);
        return tn_err_set(MPI_ERR_OTHER, "%s: the remote group sent a malformed reply", fname);
    }
    for (int w = 0; w < TN_CTX_WORDS; w++)
        all[w] &= (uint32_t)got[w];
    if ((rc = tn_comm_ctx_take(fname, all, nids, ids))) {
        free(got);
        return rc;
    }
    memmove(got, got + TN_CTX_WORDS, (size_t)(ngot - TN_CTX_WORDS) * sizeof *got);
    *theirs = got;
    *ntheirs = ngot - TN_CTX_WORDS;
    return MPI_SUCCESS;
}

/* The intercommunicator over group/remote with ids[0], and its local
 * intracommunicator with ids[1]; takes over the reference to remote and the ids. */
static int make_inter(const uint16_t ids[2], tn_group_t *group, tn_group_t *remote,
                      const tn_comm_t *parent, tn_comm_t **out)
{
    tn_comm_t *inter, *lc;
    int rc = tn_comm_new(ids[1], tn_group_ref(group), NULL, parent, &lc);
    if (rc) {
        tn_group_release(remote);
        tn_comm_ctx_release(ids[0]);
        return rc;
    }
    if ((rc = tn_comm_new(ids[0], tn_group_ref(group), remote, parent, &inter))) {
        tn_comm_release(lc);
        return rc;
    }
    inter->local_comm = lc;
    *out = inter;
    return MPI_SUCCESS;
}

int tn_comm_intercomm_create(tn_comm_t *local, int local_leader, tn_comm_t *peer,
                             int remote_leader, int tag, tn_comm_t **out)
{
    const char *fname = "MPI_Intercomm_create";
    uint16_t ids[2];
    int *remote_wr, nremote;
    tn_group_t *remote;
    int rc = inter_agree(fname, local, local_leader, peer, remote_leader, tag,
                         local->group->world_ranks, local->size, 2, ids, &remote_wr, &nremote);
    if (rc)
        return rc;
    for (int i = 0; i < nremote && !rc; i++)
        if (tn_group_rank_of(local->group, remote_wr[i]) != MPI_UNDEFINED)
            rc = tn_err_set(MPI_ERR_COMM,
                            "%s: world rank %d is in both the local and the remote group; the "
                            "groups must be disjoint",
                            fname, remote_wr[i]);
    if (!rc && nremote == 0)
        rc = tn_err_set(MPI_ERR_COMM, "%s: the remote group is empty", fname);
    if (!rc)
        rc = tn_group_create(remote_wr, nremote, &remote);
    free(remote_wr);
    if (rc) {
        tn_comm_ctx_release(ids[0]);
        tn_comm_ctx_release(ids[1]);
        return rc;
    }
    return make_inter(ids, local->group, remote, local, out);
}

int tn_comm_intercomm_dup(const char *fname, tn_comm_t *c, tn_comm_t **out)
{
    uint16_t ids[2];
    int *got, ngot;
    int rc = inter_agree(fname, c->local_comm, 0, c, 0, TN_TAG_DUP, NULL, 0, 2, ids, &got, &ngot);
    if (rc)
        return rc;
    free(got);
    return make_inter(ids, c->group, tn_group_ref(c->remote_group), c, out);
}

int tn_comm_intercomm_merge(tn_comm_t *inter, int high, tn_comm_t **out)
{
    const char *fname = "MPI_Intercomm_merge";
    uint16_t id;
    int *got, ngot, mine = !!high;
    int rc = inter_agree(fname, inter->local_comm, 0, inter, 0, TN_TAG_MERGE, &mine, 1, 1, &id,
                         &got, &ngot);
    if (rc)
        return rc;
    int theirs = ngot > 0 && got[0];
    free(got);
    /* The low side goes first; on a tie, the side whose leader has the lower world rank. */
    int local_first = mine != theirs ? !mine
                                     : inter->group->world_ranks[0] <
                                           inter->remote_group->world_ranks[0];
    tn_group_t *g;
    rc = local_first ? tn_group_union(inter->group, inter->remote_group, &g)
                     : tn_group_union(inter->remote_group, inter->group, &g);
    if (rc) {
        tn_comm_ctx_release(id);
        return rc;
    }
    return tn_comm_new(id, g, NULL, inter, out);
}
