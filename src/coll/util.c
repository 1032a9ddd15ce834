/* Helpers shared by the collective algorithms (see util.h). */
#include "coll/util.h"

void tn_coll_span(MPI_Aint count, const tn_datatype_t *dt, MPI_Aint *lo, MPI_Aint *hi)
{
    MPI_Aint l = dt->true_lb, h = dt->true_ub;
    if (count > 0) {
        /* Element i starts i * extent after element 0; the extent may be negative. */
        MPI_Aint last = (count - 1) * dt->extent;
        if (last < 0)
            l += last;
        else
            h += last;
    } else {
        h = l;
    }
    *lo = l;
    *hi = h;
}

tn_datatype_t *tn_coll_bytes(void)
{
    return tn_datatype_get(MPI_BYTE);
}

int tn_coll_sendrecv(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                     int dest, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int src)
{
    int rc = tn_sched_recv(s, rbuf, rcount, rtype, src);
    if (!rc)
        rc = tn_sched_send(s, sbuf, scount, stype, dest);
    return rc ? rc : tn_sched_fence(s);
}

int tn_coll_finish(tn_sched_t *s, int rc)
{
    if (!rc)
        return tn_sched_run(s);
    tn_sched_free(s);
    return rc;
}

void tn_coll_layout_block(const tn_coll_layout_t *l, int i, char **buf, MPI_Aint *count,
                          tn_datatype_t **dt)
{
    tn_datatype_t *t = l->types ? l->types[i] : l->dt;
    MPI_Aint n = l->counts ? l->counts[i] : l->count, off;
    if (l->types)
        off = l->displs[i];
    else if (l->displs)
        off = l->displs[i] * t->extent;
    else
        off = l->same ? 0 : i * n * t->extent;
    *buf = (char *)l->buf + off;
    *count = n;
    *dt = t;
}
