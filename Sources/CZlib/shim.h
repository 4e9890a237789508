#ifndef LODESTAR_CZLIB_SHIM_H
#define LODESTAR_CZLIB_SHIM_H
// System zlib (zlib1g-dev) for gzip/deflate and Debian's snappy C API (libsnappy-dev).
#include <zlib.h>
#include <snappy-c.h>

// deflateInit2/inflateInit2 are macros; expose them as functions for Swift.
static inline int lodestar_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int lodestar_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
