// libFuzzer's documented entry for programs with their own main (see Fuzz/README.md for why the
// targets need one: SwiftPM links an executable's `main` to `<Module>_main`).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
