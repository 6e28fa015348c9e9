// Header-only module: LLVMFuzzerRunDriver comes from libFuzzer's runtime (-sanitize=fuzzer).
#include "CFuzzerDriver.h"
