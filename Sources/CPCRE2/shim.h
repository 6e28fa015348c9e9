#ifndef SPOOR_CPCRE2_SHIM_H
#define SPOOR_CPCRE2_SHIM_H
// PCRE2 in 8-bit code units. Swift cannot import the generic macro names nor the cast
// constants, so PatternMatching calls the _8 functions and these helpers.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

static inline size_t spoor_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
