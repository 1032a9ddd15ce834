/* MPI 4.1 section 6.12: the nonblocking collectives. Each builds the same
 * schedule as its blocking form (coll.c) and starts it; the progress engine
 * advances it and the request completes with it. */
#include "mpi/api.h"
#include "mpi/coll.h"

TN_API(Ibarrier)
int PMPI_Ibarrier(MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_barrier("MPI_Ibarrier", how, comm);
}

TN_API(Ibcast)
int PMPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
                MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_bcast("MPI_Ibcast", how, buffer, count, datatype, root, comm);
}

TN_API(Ibcast_c)
int PMPI_Ibcast_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm,
                  MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_bcast("MPI_Ibcast_c", how, buffer, count, datatype, root, comm);
}

TN_API(Ireduce)
int PMPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                 int root, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce("MPI_Ireduce", how, sendbuf, recvbuf, count, datatype, op, root, comm);
}

TN_API(Ireduce_c)
int PMPI_Ireduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                   MPI_Op op, int root, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce("MPI_Ireduce_c", how, sendbuf, recvbuf, count, datatype, op, root, comm);
}

TN_API(Iallreduce)
int PMPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                    MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iallreduce", how, TN_ALLREDUCE, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Iallreduce_c)
int PMPI_Iallreduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                      MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iallreduce_c", how, TN_ALLREDUCE, sendbuf, recvbuf, count, datatype,
                         op, comm);
}

TN_API(Iscan)
int PMPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iscan", how, TN_SCAN, sendbuf, recvbuf, count, datatype, op, comm);
}

TN_API(Iscan_c)
int PMPI_Iscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                 MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iscan_c", how, TN_SCAN, sendbuf, recvbuf, count, datatype, op, comm);
}

TN_API(Iexscan)
int PMPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                 MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iexscan", how, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Iexscan_c)
int PMPI_Iexscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                   MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allred("MPI_Iexscan_c", how, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Ireduce_scatter)
int PMPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                         MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce_scatter("MPI_Ireduce_scatter", how, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_INT, 0, datatype, op, comm);
}

TN_API(Ireduce_scatter_c)
int PMPI_Ireduce_scatter_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                           MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce_scatter("MPI_Ireduce_scatter_c", how, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_COUNT, 0, datatype, op, comm);
}

TN_API(Ireduce_scatter_block)
int PMPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                               MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce_scatter("MPI_Ireduce_scatter_block", how, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Ireduce_scatter_block_c)
int PMPI_Ireduce_scatter_block_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                 MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                 MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_reduce_scatter("MPI_Ireduce_scatter_block_c", how, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Igather)
int PMPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                 MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_gather("MPI_Igather", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Igather_c)
int PMPI_Igather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                   MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_gather("MPI_Igather_c", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Igatherv)
int PMPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                  MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_gatherv("MPI_Igatherv", how, sendbuf, sendcount, sendtype, recvbuf, recvcounts,
                          displs, TN_ARR_INT, TN_ARR_INT, recvtype, root, comm);
}

TN_API(Igatherv_c)
int PMPI_Igatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    const MPI_Count recvcounts[], const MPI_Aint displs[], MPI_Datatype recvtype,
                    int root, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_gatherv("MPI_Igatherv_c", how, sendbuf, sendcount, sendtype, recvbuf, recvcounts,
                          displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, root, comm);
}

TN_API(Iscatter)
int PMPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                  MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_scatter("MPI_Iscatter", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                          recvtype, root, comm);
}

TN_API(Iscatter_c)
int PMPI_Iscatter_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                    MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_scatter("MPI_Iscatter_c", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                          recvtype, root, comm);
}

TN_API(Iscatterv)
int PMPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                   MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                   int root, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_scatterv("MPI_Iscatterv", how, sendbuf, sendcounts, displs, TN_ARR_INT,
                           TN_ARR_INT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Iscatterv_c)
int PMPI_Iscatterv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                     MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                     MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_scatterv("MPI_Iscatterv_c", how, sendbuf, sendcounts, displs, TN_ARR_COUNT,
                           TN_ARR_AINT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Iallgather)
int PMPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                    int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allgather("MPI_Iallgather", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                            recvtype, comm);
}

TN_API(Iallgather_c)
int PMPI_Iallgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                      void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                      MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allgather("MPI_Iallgather_c", how, sendbuf, sendcount, sendtype, recvbuf,
                            recvcount, recvtype, comm);
}

TN_API(Iallgatherv)
int PMPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                     const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                     MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allgatherv("MPI_Iallgatherv", how, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_INT, TN_ARR_INT, recvtype, comm);
}

TN_API(Iallgatherv_c)
int PMPI_Iallgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                       void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_allgatherv("MPI_Iallgatherv_c", how, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, comm);
}

TN_API(Ialltoall)
int PMPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoall("MPI_Ialltoall", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                           recvtype, comm);
}

TN_API(Ialltoall_c)
int PMPI_Ialltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                     MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                     MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoall("MPI_Ialltoall_c", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                           recvtype, comm);
}

TN_API(Ialltoallv)
int PMPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                    MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                    const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoallv("MPI_Ialltoallv", how, sendbuf, sendcounts, sdispls, sendtype, recvbuf,
                            recvcounts, rdispls, recvtype, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Ialltoallv_c)
int PMPI_Ialltoallv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                      MPI_Datatype sendtype, void *recvbuf, const MPI_Count recvcounts[],
                      const MPI_Aint rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                      MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoallv("MPI_Ialltoallv_c", how, sendbuf, sendcounts, sdispls, sendtype,
                            recvbuf, recvcounts, rdispls, recvtype, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}

TN_API(Ialltoallw)
int PMPI_Ialltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                    const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                    const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                    MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoallw("MPI_Ialltoallw", how, sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
                            recvcounts, rdispls, recvtypes, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Ialltoallw_c)
int PMPI_Ialltoallw_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                      const MPI_Datatype sendtypes[], void *recvbuf, const MPI_Count recvcounts[],
                      const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                      MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    return tn_mpi_alltoallw("MPI_Ialltoallw_c", how, sendbuf, sendcounts, sdispls, sendtypes,
                            recvbuf, recvcounts, rdispls, recvtypes, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}
