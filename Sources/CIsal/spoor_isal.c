#include "spoor_isal.h"

#if __has_include(<isa-l/igzip_lib.h>) && !defined(SPOOR_WITHOUT_ISAL)
#include <isa-l/igzip_lib.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

// The functions are looked up in libisal.so.2 at run time, so that no link-time dependency exists:
// a binary built here still runs (on zlib) where ISA-L is not installed.
static void (*isal_init)(struct inflate_state *);
static void (*isal_reset)(struct inflate_state *);
static int (*isal_run)(struct inflate_state *);
static int isal_loaded;
static pthread_once_t isal_once = PTHREAD_ONCE_INIT;

static void isal_load(void) {
    void *library = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    isal_init = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_init");
    isal_reset = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_reset");
    isal_run = (int (*)(struct inflate_state *))dlsym(library, "isal_inflate");
    isal_loaded = isal_init != NULL && isal_reset != NULL && isal_run != NULL;
}

struct spoor_isal_inflater {
    struct inflate_state state;
};

int spoor_isal_available(void) {
    pthread_once(&isal_once, isal_load);
    return isal_loaded;
}

spoor_isal_inflater *spoor_isal_create(void) {
    if (!spoor_isal_available()) return NULL;
    spoor_isal_inflater *inflater = malloc(sizeof(spoor_isal_inflater));
    if (inflater == NULL) return NULL;
    isal_init(&inflater->state);
    inflater->state.crc_flag = ISAL_GZIP;
    return inflater;
}

void spoor_isal_destroy(spoor_isal_inflater *inflater) {
    free(inflater);
}

void spoor_isal_reset(spoor_isal_inflater *inflater) {
    isal_reset(&inflater->state);
    inflater->state.crc_flag = ISAL_GZIP;
}

int spoor_isal_inflate(spoor_isal_inflater *inflater, const uint8_t *input, size_t input_count, size_t *consumed,
                       uint8_t *output, size_t output_count, size_t *produced) {
    uint32_t in = input_count > UINT32_MAX ? UINT32_MAX : (uint32_t)input_count;
    uint32_t out = output_count > UINT32_MAX ? UINT32_MAX : (uint32_t)output_count;
    struct inflate_state *state = &inflater->state;
    state->next_in = (uint8_t *)input;
    state->avail_in = in;
    state->next_out = output;
    state->avail_out = out;
    int status = isal_run(state);
    *consumed = in - state->avail_in;
    *produced = out - state->avail_out;
    if (status < 0) return status;
    return state->block_state == ISAL_BLOCK_FINISH ? 1 : 0;
}

#else

int spoor_isal_available(void) { return 0; }
spoor_isal_inflater *spoor_isal_create(void) { return NULL; }
void spoor_isal_destroy(spoor_isal_inflater *inflater) { (void)inflater; }
void spoor_isal_reset(spoor_isal_inflater *inflater) { (void)inflater; }
int spoor_isal_inflate(spoor_isal_inflater *inflater, const uint8_t *input, size_t input_count, size_t *consumed,
                       uint8_t *output, size_t output_count, size_t *produced) {
    (void)inflater; (void)input; (void)input_count; (void)output; (void)output_count;
    *consumed = 0;
    *produced = 0;
    return -4;
}

#endif
