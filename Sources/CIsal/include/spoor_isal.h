#ifndef SPOOR_ISAL_H
#define SPOOR_ISAL_H
// ISA-L's streaming gzip inflate (isal_inflate), loaded at run time: Spoor builds and runs without
// libisal; where libisal.so.2 is present (and its header was at build time), gzip inflates ~2-4x faster.
// Only ZlibCodec's IsalInflater calls these.
#include <stddef.h>
#include <stdint.h>

typedef struct spoor_isal_inflater spoor_isal_inflater;

/// 1 when ISA-L's inflate can be used: its header was present at build time and libisal.so.2 loads.
int spoor_isal_available(void);

/// A gzip inflater (header parsed, CRC and length verified); NULL when unavailable or out of memory.
spoor_isal_inflater *spoor_isal_create(void);
void spoor_isal_destroy(spoor_isal_inflater *inflater);
/// Ready for the next gzip member.
void spoor_isal_reset(spoor_isal_inflater *inflater);

/// Inflates from `input` into `output`. Returns 0 while the member goes on, 1 once the member ended
/// (its trailer checked), or ISA-L's negative error code (-1 invalid block, -2 invalid symbol,
/// -3 invalid lookback distance, -4 invalid gzip header, -5 unsupported method, -6 incorrect checksum).
int spoor_isal_inflate(spoor_isal_inflater *inflater, const uint8_t *input, size_t input_count, size_t *consumed,
                       uint8_t *output, size_t output_count, size_t *produced);

#endif
