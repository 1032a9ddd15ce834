/* MPI 4.1 §5.2-5.3: packing and unpacking, native and "external32".
 * The native packed form is the data without holes, nothing more, so
 * MPI_Pack_size is count * size. */
#include <limits.h>
#include <string.h>
#include "mpi/api.h"
#include "mpi/check.h"

/* Native pack/unpack: (count, datatype) at the user buffer, size bytes of
 * packed buffer with *position inside it. */
static int pack_common(const char *fname, MPI_Count count, MPI_Datatype datatype, MPI_Comm comm,
                       MPI_Count size, const void *position, tn_datatype_t **dt)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = tn_check_type(fname, count, datatype, dt);
    if (!rc)
        rc = tn_check_ptr(fname, "position", position);
    if (!rc && size < 0)
        rc = tn_err_set(MPI_ERR_ARG, "%s: buffer size %lld is negative", fname, (long long)size);
    return rc;
}

static int no_room(const char *fname, MPI_Count need, MPI_Count pos, MPI_Count size)
{
    if (pos < 0 || pos > size)
        return tn_err_set(MPI_ERR_ARG, "%s: position %lld is outside the %lld-byte buffer",
                          fname, (long long)pos, (long long)size);
    if (need > size - pos)
        return tn_err_set(MPI_ERR_TRUNCATE,
                          "%s: %lld bytes do not fit at position %lld of a %lld-byte buffer",
                          fname, (long long)need, (long long)pos, (long long)size);
    return MPI_SUCCESS;
}

/* Packs (unpack = 0) or unpacks; pos is the position in the packed buffer. */
static int pack(const char *fname, int unpack, void *typed, MPI_Count count,
                MPI_Datatype datatype, void *packed, MPI_Count size, MPI_Count *pos,
                MPI_Comm comm)
{
    tn_datatype_t *dt;
    int rc = pack_common(fname, count, datatype, comm, size, pos, &dt);
    MPI_Count n = 0;
    if (!rc) {
        n = count * dt->size;
        rc = no_room(fname, n, *pos, size);
    }
    if (!rc && n > 0)
        rc = tn_check_buf(fname, typed, count, dt);
    if (!rc && n > 0)
        rc = tn_check_ptr(fname, unpack ? "inbuf" : "outbuf", packed);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    if (unpack)
        tn_dtype_unpack(dt, typed, count, 0, (char *)packed + *pos, (size_t)n);
    else
        tn_dtype_pack(dt, typed, count, 0, (char *)packed + *pos, (size_t)n);
    *pos += n;
    return MPI_SUCCESS;
}

TN_API(Pack)
int PMPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize,
              int *position, MPI_Comm comm)
{
    MPI_Count pos = position ? *position : 0;
    int rc = pack("MPI_Pack", 0, (void *)inbuf, incount, datatype, outbuf, outsize,
                  position ? &pos : NULL, comm);
    if (!rc)
        *position = (int)pos; /* <= outsize */
    return rc;
}

TN_API(Pack_c)
int PMPI_Pack_c(const void *inbuf, MPI_Count incount, MPI_Datatype datatype, void *outbuf,
                MPI_Count outsize, MPI_Count *position, MPI_Comm comm)
{
    return pack("MPI_Pack_c", 0, (void *)inbuf, incount, datatype, outbuf, outsize, position,
                comm);
}

TN_API(Unpack)
int PMPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount,
                MPI_Datatype datatype, MPI_Comm comm)
{
    MPI_Count pos = position ? *position : 0;
    int rc = pack("MPI_Unpack", 1, outbuf, outcount, datatype, (void *)inbuf, insize,
                  position ? &pos : NULL, comm);
    if (!rc)
        *position = (int)pos;
    return rc;
}

TN_API(Unpack_c)
int PMPI_Unpack_c(const void *inbuf, MPI_Count insize, MPI_Count *position, void *outbuf,
                  MPI_Count outcount, MPI_Datatype datatype, MPI_Comm comm)
{
    return pack("MPI_Unpack_c", 1, outbuf, outcount, datatype, (void *)inbuf, insize, position,
                comm);
}

static int pack_size(const char *fname, MPI_Count incount, MPI_Datatype datatype, MPI_Comm comm,
                     const void *size, MPI_Count *bytes)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = tn_check_count(fname, incount);
    if (!rc)
        rc = tn_datatype_arg(fname, "datatype", datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "size", size);
    if (!rc)
        *bytes = incount * dt->size;
    return rc;
}

TN_API(Pack_size)
int PMPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int *size)
{
    static const char fname[] = "MPI_Pack_size";
    MPI_Count n;
    int rc = pack_size(fname, incount, datatype, comm, size, &n);
    if (!rc && n > INT_MAX)
        rc = tn_err_set(MPI_ERR_VALUE_TOO_LARGE,
                        "%s: the packed size %lld does not fit in an int (use MPI_Pack_size_c)",
                        fname, (long long)n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *size = (int)n;
    return MPI_SUCCESS;
}

TN_API(Pack_size_c)
int PMPI_Pack_size_c(MPI_Count incount, MPI_Datatype datatype, MPI_Comm comm, MPI_Count *size)
{
    MPI_Count n;
    int rc = pack_size("MPI_Pack_size_c", incount, datatype, comm, size, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *size = n;
    return MPI_SUCCESS;
}

/* ---- external32 ---- */

static int datarep_arg(const char *fname, const char *datarep)
{
    int rc = tn_check_ptr(fname, "datarep", datarep);
    if (!rc && strcmp(datarep, "external32") != 0)
        rc = tn_err_set(MPI_ERR_UNSUPPORTED_DATAREP,
                        "%s: datarep \"%s\" is not supported (only \"external32\")", fname,
                        datarep);
    return rc;
}

static int external(const char *fname, int unpack, const char *datarep, void *typed,
                    MPI_Count count, MPI_Datatype datatype, void *ext, MPI_Count size,
                    MPI_Count *pos)
{
    tn_datatype_t *dt;
    MPI_Count n = 0;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = datarep_arg(fname, datarep);
    if (!rc)
        rc = tn_check_type(fname, count, datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "position", pos);
    if (!rc) {
        n = tn_dtype_external_size(dt, count);
        rc = no_room(fname, n, *pos, size);
    }
    if (!rc && n > 0)
        rc = tn_check_buf(fname, typed, count, dt);
    if (!rc && n > 0)
        rc = tn_check_ptr(fname, unpack ? "inbuf" : "outbuf", ext);
    if (rc)
        return tn_err_raise(rc);
    tn_dtype_external(dt, typed, count, (char *)ext + *pos, !unpack);
    *pos += n;
    return MPI_SUCCESS;
}

TN_API(Pack_external)
int PMPI_Pack_external(const char *datarep, const void *inbuf, int incount,
                       MPI_Datatype datatype, void *outbuf, MPI_Aint outsize, MPI_Aint *position)
{
    MPI_Count pos = position ? *position : 0;
    int rc = external("MPI_Pack_external", 0, datarep, (void *)inbuf, incount, datatype, outbuf,
                      outsize, position ? &pos : NULL);
    if (!rc)
        *position = (MPI_Aint)pos;
    return rc;
}

TN_API(Pack_external_c)
int PMPI_Pack_external_c(const char *datarep, const void *inbuf, MPI_Count incount,
                         MPI_Datatype datatype, void *outbuf, MPI_Count outsize,
                         MPI_Count *position)
{
    return external("MPI_Pack_external_c", 0, datarep, (void *)inbuf, incount, datatype, outbuf,
                    outsize, position);
}

TN_API(Unpack_external)
int PMPI_Unpack_external(const char datarep[], const void *inbuf, MPI_Aint insize,
                         MPI_Aint *position, void *outbuf, int outcount, MPI_Datatype datatype)
{
    MPI_Count pos = position ? *position : 0;
    int rc = external("MPI_Unpack_external", 1, datarep, outbuf, outcount, datatype,
                      (void *)inbuf, insize, position ? &pos : NULL);
    if (!rc)
        *position = (MPI_Aint)pos;
    return rc;
}

TN_API(Unpack_external_c)
int PMPI_Unpack_external_c(const char datarep[], const void *inbuf, MPI_Count insize,
                           MPI_Count *position, void *outbuf, MPI_Count outcount,
                           MPI_Datatype datatype)
{
    return external("MPI_Unpack_external_c", 1, datarep, outbuf, outcount, datatype,
                    (void *)inbuf, insize, position);
}

static int external_size(const char *fname, const char *datarep, MPI_Count incount,
                         MPI_Datatype datatype, const void *size, MPI_Count *bytes)
{
    tn_datatype_t *dt;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = datarep_arg(fname, datarep);
    if (!rc)
        rc = tn_check_count(fname, incount);
    if (!rc)
        rc = tn_datatype_arg(fname, "datatype", datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "size", size);
    if (!rc)
        *bytes = tn_dtype_external_size(dt, incount);
    return rc;
}

TN_API(Pack_external_size)
int PMPI_Pack_external_size(const char *datarep, int incount, MPI_Datatype datatype,
                            MPI_Aint *size)
{
    MPI_Count n;
    int rc = external_size("MPI_Pack_external_size", datarep, incount, datatype, size, &n);
    if (rc)
        return tn_err_raise(rc);
    *size = (MPI_Aint)n;
    return MPI_SUCCESS;
}

TN_API(Pack_external_size_c)
int PMPI_Pack_external_size_c(const char *datarep, MPI_Count incount, MPI_Datatype datatype,
                              MPI_Count *size)
{
    int rc = external_size("MPI_Pack_external_size_c", datarep, incount, datatype, size, size);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}
