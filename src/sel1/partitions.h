// S-EL0 secure partitions in the trusted OS (placement A): loading them
// from the SP packages the monitor staged (partition_loader.cpp), into the
// table that hosts and runs them (hosted_partitions.h).
#pragma once

#include "ffa/core_manifest.h"
#include "sel1/hosted_partitions.h"

namespace sel1 {

// Loads every package the SPMC manifest lists and registers the partitions
// that pass every check with `hosted` and its core; a bad one is reported
// and skipped, the others start. Returns how many were registered.
unsigned load_partitions(const ffa::CoreManifest& manifest, HostedPartitions& hosted);

}  // namespace sel1
