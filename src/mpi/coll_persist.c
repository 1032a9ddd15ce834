/* MPI 4.1 section 6.13: the persistent collectives. Each builds the same
 * schedule as its blocking form (coll.c) once, in an inactive persistent
 * request; every MPI_Start runs it again. The info argument carries no hint
 * Tern uses. */
#include "mpi/api.h"
#include "mpi/coll.h"

TN_API(Barrier_init)
int PMPI_Barrier_init(MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_barrier("MPI_Barrier_init", how, comm);
}

TN_API(Bcast_init)
int PMPI_Bcast_init(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
                    MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_bcast("MPI_Bcast_init", how, buffer, count, datatype, root, comm);
}

TN_API(Bcast_init_c)
int PMPI_Bcast_init_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm,
                      MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_bcast("MPI_Bcast_init_c", how, buffer, count, datatype, root, comm);
}

TN_API(Reduce_init)
int PMPI_Reduce_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                     MPI_Op op, int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce("MPI_Reduce_init", how, sendbuf, recvbuf, count, datatype, op, root, comm);
}

TN_API(Reduce_init_c)
int PMPI_Reduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                       MPI_Op op, int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce("MPI_Reduce_init_c", how, sendbuf, recvbuf, count, datatype, op, root,
                         comm);
}

TN_API(Allreduce_init)
int PMPI_Allreduce_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                        MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Allreduce_init", how, TN_ALLREDUCE, sendbuf, recvbuf, count, datatype,
                         op, comm);
}

TN_API(Allreduce_init_c)
int PMPI_Allreduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                          MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Allreduce_init_c", how, TN_ALLREDUCE, sendbuf, recvbuf, count,
                         datatype, op, comm);
}

TN_API(Scan_init)
int PMPI_Scan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Scan_init", how, TN_SCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Scan_init_c)
int PMPI_Scan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Scan_init_c", how, TN_SCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Exscan_init)
int PMPI_Exscan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Exscan_init", how, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Exscan_init_c)
int PMPI_Exscan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                       MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allred("MPI_Exscan_init_c", how, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Reduce_scatter_init)
int PMPI_Reduce_scatter_init(const void *sendbuf, void *recvbuf, const int recvcounts[],
                             MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                             MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_init", how, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_INT, 0, datatype, op, comm);
}

TN_API(Reduce_scatter_init_c)
int PMPI_Reduce_scatter_init_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                               MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_init_c", how, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_COUNT, 0, datatype, op, comm);
}

TN_API(Reduce_scatter_block_init)
int PMPI_Reduce_scatter_block_init(const void *sendbuf, void *recvbuf, int recvcount,
                                   MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_block_init", how, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Reduce_scatter_block_init_c)
int PMPI_Reduce_scatter_block_init_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                     MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                     MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_block_init_c", how, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Gather_init)
int PMPI_Gather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                     int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                     MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_gather("MPI_Gather_init", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Gather_init_c)
int PMPI_Gather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                       void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                       MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_gather("MPI_Gather_init_c", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Gatherv_init)
int PMPI_Gatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                      MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_gatherv("MPI_Gatherv_init", how, sendbuf, sendcount, sendtype, recvbuf,
                          recvcounts, displs, TN_ARR_INT, TN_ARR_INT, recvtype, root, comm);
}

TN_API(Gatherv_init_c)
int PMPI_Gatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                        void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                        MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_gatherv("MPI_Gatherv_init_c", how, sendbuf, sendcount, sendtype, recvbuf,
                          recvcounts, displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, root, comm);
}

TN_API(Scatter_init)
int PMPI_Scatter_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                      MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_scatter("MPI_Scatter_init", how, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                          recvtype, root, comm);
}

TN_API(Scatter_init_c)
int PMPI_Scatter_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                        void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                        MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_scatter("MPI_Scatter_init_c", how, sendbuf, sendcount, sendtype, recvbuf,
                          recvcount, recvtype, root, comm);
}

TN_API(Scatterv_init)
int PMPI_Scatterv_init(const void *sendbuf, const int sendcounts[], const int displs[],
                       MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                       int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_scatterv("MPI_Scatterv_init", how, sendbuf, sendcounts, displs, TN_ARR_INT,
                           TN_ARR_INT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Scatterv_init_c)
int PMPI_Scatterv_init_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                         MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                         MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                         MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_scatterv("MPI_Scatterv_init_c", how, sendbuf, sendcounts, displs, TN_ARR_COUNT,
                           TN_ARR_AINT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Allgather_init)
int PMPI_Allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                        int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allgather("MPI_Allgather_init", how, sendbuf, sendcount, sendtype, recvbuf,
                            recvcount, recvtype, comm);
}

TN_API(Allgather_init_c)
int PMPI_Allgather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                          void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                          MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allgather("MPI_Allgather_init_c", how, sendbuf, sendcount, sendtype, recvbuf,
                            recvcount, recvtype, comm);
}

TN_API(Allgatherv_init)
int PMPI_Allgatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                         const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                         MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allgatherv("MPI_Allgatherv_init", how, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_INT, TN_ARR_INT, recvtype, comm);
}

TN_API(Allgatherv_init_c)
int PMPI_Allgatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                           void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                           MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                           MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_allgatherv("MPI_Allgatherv_init_c", how, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, comm);
}

TN_API(Alltoall_init)
int PMPI_Alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                       int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                       MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoall("MPI_Alltoall_init", how, sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm);
}

TN_API(Alltoall_init_c)
int PMPI_Alltoall_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                         void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                         MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoall("MPI_Alltoall_init_c", how, sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm);
}

TN_API(Alltoallv_init)
int PMPI_Alltoallv_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                        MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                        const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoallv("MPI_Alltoallv_init", how, sendbuf, sendcounts, sdispls, sendtype,
                            recvbuf, recvcounts, rdispls, recvtype, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Alltoallv_init_c)
int PMPI_Alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                          const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                          const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                          MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoallv("MPI_Alltoallv_init_c", how, sendbuf, sendcounts, sdispls, sendtype,
                            recvbuf, recvcounts, rdispls, recvtype, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}

TN_API(Alltoallw_init)
int PMPI_Alltoallw_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                        const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                        const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                        MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoallw("MPI_Alltoallw_init", how, sendbuf, sendcounts, sdispls, sendtypes,
                            recvbuf, recvcounts, rdispls, recvtypes, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Alltoallw_init_c)
int PMPI_Alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                          const MPI_Aint sdispls[], const MPI_Datatype sendtypes[], void *recvbuf,
                          const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                          const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Info info,
                          MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    (void)info;
    return tn_mpi_alltoallw("MPI_Alltoallw_init_c", how, sendbuf, sendcounts, sdispls, sendtypes,
                            recvbuf, recvcounts, rdispls, recvtypes, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}
