#ifndef SPOOR_CSYSTEMD_SHIM_H
#define SPOOR_CSYSTEMD_SHIM_H
// libsystemd's journal reader (sd-journal), imported by BinaryLogs/JournalHandle.swift only.
#include <systemd/sd-journal.h>
#endif
