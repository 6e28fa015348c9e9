#ifndef SPOOR_CZLIB_SHIM_H
#define SPOOR_CZLIB_SHIM_H
// zlib's init functions are function-like macros that Swift cannot import.
#include <zlib.h>

static inline int spoor_inflate_init_gzip(z_stream *stream) {
    // 15 window bits + 16: gzip only (the caller sniffs 1f 8b before choosing gzip).
    return inflateInit2(stream, 15 + 16);
}
static inline int spoor_deflate_init_raw(z_stream *stream, int level) {
    // -15: raw deflate; the caller writes the gzip header and trailer itself (to set mtime and name).
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
#endif
