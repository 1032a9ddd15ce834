/* MPI 4.1 §8.6: the neighbourhood collectives, blocking, nonblocking
 * (MPI_Ineighbor_...) and persistent (MPI_Neighbor_..._init), each with its
 * large-count form. Every one is tn_mpi_neighbor (coll.c) with its arguments
 * as the two sides of the exchange. */
#include "mpi/api.h"
#include "mpi/coll.h"

TN_API(Neighbor_allgather)
int PMPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_allgather", how, TN_NBR_ALLGATHER, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Neighbor_allgather_c)
int PMPI_Neighbor_allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_allgather_c", how, TN_NBR_ALLGATHER, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Ineighbor_allgather)
int PMPI_Ineighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_allgather", how, TN_NBR_ALLGATHER, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Ineighbor_allgather_c)
int PMPI_Ineighbor_allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                               MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_allgather_c", how, TN_NBR_ALLGATHER, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_allgather_init)
int PMPI_Neighbor_allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_allgather_init", how, TN_NBR_ALLGATHER, snd, rcv,
                           TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Neighbor_allgather_init_c)
int PMPI_Neighbor_allgather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                   void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_allgather_init_c", how, TN_NBR_ALLGATHER, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_allgatherv)
int PMPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, const int recvcounts[], const int displs[],
                             MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_allgatherv", how, TN_NBR_ALLGATHERV, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Neighbor_allgatherv_c)
int PMPI_Neighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                               MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_allgatherv_c", how, TN_NBR_ALLGATHERV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Ineighbor_allgatherv)
int PMPI_Ineighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, const int recvcounts[], const int displs[],
                              MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_allgatherv", how, TN_NBR_ALLGATHERV, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Ineighbor_allgatherv_c)
int PMPI_Ineighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                void *recvbuf, const MPI_Count recvcounts[],
                                const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_allgatherv_c", how, TN_NBR_ALLGATHERV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_allgatherv_init)
int PMPI_Neighbor_allgatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, const int recvcounts[], const int displs[],
                                  MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                  MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_allgatherv_init", how, TN_NBR_ALLGATHERV, snd, rcv,
                           TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Neighbor_allgatherv_init_c)
int PMPI_Neighbor_allgatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                    void *recvbuf, const MPI_Count recvcounts[],
                                    const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                    MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = displs, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_allgatherv_init_c", how, TN_NBR_ALLGATHERV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoall)
int PMPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                           int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_alltoall", how, TN_NBR_ALLTOALL, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Neighbor_alltoall_c)
int PMPI_Neighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                             MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_alltoall_c", how, TN_NBR_ALLTOALL, snd, rcv, TN_ARR_COUNT,
                           TN_ARR_AINT, comm);
}

TN_API(Ineighbor_alltoall)
int PMPI_Ineighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                            MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoall", how, TN_NBR_ALLTOALL, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Ineighbor_alltoall_c)
int PMPI_Ineighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoall_c", how, TN_NBR_ALLTOALL, snd, rcv, TN_ARR_COUNT,
                           TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoall_init)
int PMPI_Neighbor_alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoall_init", how, TN_NBR_ALLTOALL, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Neighbor_alltoall_init_c)
int PMPI_Neighbor_alltoall_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                  MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .count = sendcount, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .count = recvcount, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoall_init_c", how, TN_NBR_ALLTOALL, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallv)
int PMPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                            MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                            const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_alltoallv", how, TN_NBR_ALLTOALLV, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Neighbor_alltoallv_c)
int PMPI_Neighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                              const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              MPI_Datatype recvtype, MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    return tn_mpi_neighbor("MPI_Neighbor_alltoallv_c", how, TN_NBR_ALLTOALLV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Ineighbor_alltoallv)
int PMPI_Ineighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                             MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                             const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoallv", how, TN_NBR_ALLTOALLV, snd, rcv, TN_ARR_INT,
                           TN_ARR_INT, comm);
}

TN_API(Ineighbor_alltoallv_c)
int PMPI_Ineighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                               const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                               MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoallv_c", how, TN_NBR_ALLTOALLV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallv_init)
int PMPI_Neighbor_alltoallv_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                                 MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                                 const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoallv_init", how, TN_NBR_ALLTOALLV, snd, rcv,
                           TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Neighbor_alltoallv_init_c)
int PMPI_Neighbor_alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                   const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                                   MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {.buf = sendbuf, .counts = sendcounts, .displs = sdispls, .type = sendtype};
    tn_mpi_side_t rcv = {.buf = recvbuf, .counts = recvcounts, .displs = rdispls, .type = recvtype};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoallv_init_c", how, TN_NBR_ALLTOALLV, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallw)
int PMPI_Neighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[],
                            const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                            const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    return tn_mpi_neighbor("MPI_Neighbor_alltoallw", how, TN_NBR_ALLTOALLW, snd, rcv, TN_ARR_INT,
                           TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallw_c)
int PMPI_Neighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                              void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    tn_coll_how_t how = {TN_COLL_BLOCKING, NULL};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    return tn_mpi_neighbor("MPI_Neighbor_alltoallw_c", how, TN_NBR_ALLTOALLW, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Ineighbor_alltoallw)
int PMPI_Ineighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[],
                             const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                             const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                             MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoallw", how, TN_NBR_ALLTOALLW, snd, rcv, TN_ARR_INT,
                           TN_ARR_AINT, comm);
}

TN_API(Ineighbor_alltoallw_c)
int PMPI_Ineighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                               void *recvbuf, const MPI_Count recvcounts[],
                               const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                               MPI_Comm comm, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_NONBLOCKING, request};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    return tn_mpi_neighbor("MPI_Ineighbor_alltoallw_c", how, TN_NBR_ALLTOALLW, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallw_init)
int PMPI_Neighbor_alltoallw_init(const void *sendbuf, const int sendcounts[],
                                 const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                 void *recvbuf, const int recvcounts[], const MPI_Aint rdispls[],
                                 const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Info info,
                                 MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoallw_init", how, TN_NBR_ALLTOALLW, snd, rcv,
                           TN_ARR_INT, TN_ARR_AINT, comm);
}

TN_API(Neighbor_alltoallw_init_c)
int PMPI_Neighbor_alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                   void *recvbuf, const MPI_Count recvcounts[],
                                   const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    tn_coll_how_t how = {TN_COLL_PERSISTENT, request};
    tn_mpi_side_t snd = {
        .buf = sendbuf, .counts = sendcounts, .displs = sdispls, .types = sendtypes};
    tn_mpi_side_t rcv = {
        .buf = recvbuf, .counts = recvcounts, .displs = rdispls, .types = recvtypes};
    (void)info;
    return tn_mpi_neighbor("MPI_Neighbor_alltoallw_init_c", how, TN_NBR_ALLTOALLW, snd, rcv,
                           TN_ARR_COUNT, TN_ARR_AINT, comm);
}
