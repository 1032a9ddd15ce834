/* Hex encoding of binary values (address blobs) for the key-value space:
 * PMI values are text without spaces, and hex is safe with every server. */
#include "pmi/pmi.h"

#include <string.h>

#include "core/error.h"

static const char hex_digits[] = "0123456789abcdef";

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tn_pmi_encode(const void *data, size_t len, char *out, size_t out_len)
{
    if (out_len < 2 * len + 1)
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_encode: %zu bytes need a buffer of %zu characters, got %zu", len,
                          2 * len + 1, out_len);
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[p[i] >> 4];
        out[2 * i + 1] = hex_digits[p[i] & 0xf];
    }
    out[2 * len] = '\0';
    return MPI_SUCCESS;
}

int tn_pmi_decode(const char *in, void *data, size_t *len)
{
    size_t n = strlen(in);
    if (n % 2)
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_decode: value has an odd number of hex digits (%zu)", n);
    if (n / 2 > *len)
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_decode: value holds %zu bytes but the buffer has room for %zu",
                          n / 2, *len);
    /* validate first so that data is written only on success */
    for (size_t i = 0; i < n; i++)
        if (hex_value(in[i]) < 0)
            return tn_err_set(MPI_ERR_OTHER, "tn_pmi_decode: '%c' at offset %zu is not a hex digit",
                              in[i], i);
    unsigned char *p = data;
    for (size_t i = 0; i < n / 2; i++)
        p[i] = (unsigned char)(hex_value(in[2 * i]) << 4 | hex_value(in[2 * i + 1]));
    *len = n / 2;
    return MPI_SUCCESS;
}
