/* Which node each rank runs on, from the process manager's
 * PMI_process_mapping key (hydra's format, also served by Slurm and Tern's
 * mpirun): "(vector,(start,nodes,ranks_per_node),...)". Each triple puts
 * ranks_per_node consecutive ranks on each of nodes nodes numbered from start;
 * when the blocks cover fewer ranks than the job has, the pattern repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "pmi/pmi.h"

#define MAX_BLOCKS 256

int tn_pmi_parse_mapping(const char *s, int size, int *node_of)
{
    int start[MAX_BLOCKS], nodes[MAX_BLOCKS], ppn[MAX_BLOCKS], nblocks = 0;
    const char *p = s;
    while (*p == ' ')
        p++;
    if (strncmp(p, "(vector", 7) != 0)
        return -1;
    p += 7;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == ')')
            break;
        if (*p != ',' || nblocks == MAX_BLOCKS)
            return -1;
        p++;
        while (*p == ' ')
            p++;
        int used;
        if (sscanf(p, "(%d,%d,%d)%n", &start[nblocks], &nodes[nblocks], &ppn[nblocks], &used) != 3
            || start[nblocks] < 0 || nodes[nblocks] <= 0 || ppn[nblocks] <= 0)
            return -1;
        p += used;
        nblocks++;
    }
    if (nblocks == 0)
        return -1;
    int rank = 0;
    while (rank < size) /* repeat the pattern until every rank has a node */
        for (int b = 0; b < nblocks && rank < size; b++)
            for (int n = 0; n < nodes[b] && rank < size; n++)
                for (int k = 0; k < ppn[b] && rank < size; k++)
                    node_of[rank++] = start[b] + n;
    return 0;
}

int tn_pmi_node_map(int size, int *node_of)
{
    char value[TN_PMI_VALUE_MAX];
    if (size > 1 && tn_pmi_get("PMI_process_mapping", value, sizeof(value)) == MPI_SUCCESS &&
        tn_pmi_parse_mapping(value, size, node_of) == 0)
        return 1;
    /* Unknown: every rank on a node of its own, so only network transports are used. */
    for (int r = 0; r < size; r++)
        node_of[r] = r;
    return 0;
}
