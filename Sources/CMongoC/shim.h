#ifndef LODESTAR_CMONGOC_SHIM_H
#define LODESTAR_CMONGOC_SHIM_H
// libmongoc / libbson 1.23 (Debian libmongoc-dev). The module map names this file because a
// module map cannot name <mongoc/mongoc.h> directly (paths are taken relative to the map).
#include <mongoc/mongoc.h>
#include <bson/bson.h>

// bson_t is 128-byte aligned, so Swift only sees bson_t * as an OpaquePointer; these helpers keep
// every bson_t on the heap (bson_new / bson_destroy) and read a few fields Swift cannot reach.
static inline uint32_t lodestar_bson_len(const bson_t *b) { return b->len; }

static inline int lodestar_error_code(const bson_error_t *e) { return (int)e->code; }
static inline int lodestar_error_domain(const bson_error_t *e) { return (int)e->domain; }
static inline const char *lodestar_error_message(const bson_error_t *e) { return e->message; }

static inline bson_error_t *lodestar_error_new(void) { return (bson_error_t *)bson_malloc0(sizeof(bson_error_t)); }
static inline void lodestar_error_free(bson_error_t *e) { bson_free(e); }

#include <stdlib.h>
#include <string.h>
// bson_iter_t is declared 128-byte aligned: allocate it so.
static inline bson_iter_t *lodestar_iter_new(void) {
    void *p = aligned_alloc(128, (sizeof(bson_iter_t) + 127) / 128 * 128);
    if (p) memset(p, 0, sizeof(bson_iter_t));
    return (bson_iter_t *)p;
}
static inline void lodestar_iter_free(bson_iter_t *it) { free(it); }

static inline uint8_t lodestar_oid_byte(const bson_oid_t *oid, int i) { return oid->bytes[i]; }
static inline void lodestar_oid_set(bson_oid_t *oid, int i, uint8_t v) { oid->bytes[i] = v; }

// bson_iter_utf8 length out parameter as a plain helper.
static inline const char *lodestar_iter_utf8(const bson_iter_t *it, uint32_t *len) { return bson_iter_utf8(it, len); }
// GridFS files are named by a UTF-8 string id (`<tenant>/<kind>/<version>/<file>`); bson_value_t is a union Swift
// cannot build, so these helpers take the id as a C string and build the value on the stack.
static inline bson_value_t lodestar_utf8_value(const char *id) {
    bson_value_t v;
    memset(&v, 0, sizeof v);
    v.value_type = BSON_TYPE_UTF8;
    v.value.v_utf8.str = (char *)id;
    v.value.v_utf8.len = (uint32_t)strlen(id);
    return v;
}
static inline mongoc_stream_t *lodestar_gridfs_open_upload(mongoc_gridfs_bucket_t *bucket, const char *id,
                                                           const char *filename, const bson_t *opts, bson_error_t *error) {
    bson_value_t v = lodestar_utf8_value(id);
    return mongoc_gridfs_bucket_open_upload_stream_with_id(bucket, &v, filename, opts, error);
}
static inline mongoc_stream_t *lodestar_gridfs_open_download(mongoc_gridfs_bucket_t *bucket, const char *id,
                                                             bson_error_t *error) {
    bson_value_t v = lodestar_utf8_value(id);
    return mongoc_gridfs_bucket_open_download_stream(bucket, &v, error);
}
static inline bool lodestar_gridfs_delete(mongoc_gridfs_bucket_t *bucket, const char *id, bson_error_t *error) {
    bson_value_t v = lodestar_utf8_value(id);
    return mongoc_gridfs_bucket_delete_by_id(bucket, &v, error);
}
#endif
