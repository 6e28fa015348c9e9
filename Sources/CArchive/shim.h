#ifndef SPOOR_CARCHIVE_SHIM_H
#define SPOOR_CARCHIVE_SHIM_H
// libarchive, for reading containers (tar, zip, 7z, cpio, …) and their compression filters.
// The file-type constants are cast macros that Swift cannot import: these functions carry them.
#include <archive.h>
#include <archive_entry.h>

static inline unsigned int spoor_archive_type_mask(void) { return (unsigned int)AE_IFMT; }
static inline unsigned int spoor_archive_type_regular(void) { return (unsigned int)AE_IFREG; }
static inline unsigned int spoor_archive_type_directory(void) { return (unsigned int)AE_IFDIR; }
static inline unsigned int spoor_archive_type_symlink(void) { return (unsigned int)AE_IFLNK; }
#endif
