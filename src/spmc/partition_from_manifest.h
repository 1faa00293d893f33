// The core's view of a partition its placement loads from a manifest:
// endpoint ID (the manifest's, or the next free one from 0x8001),
// properties from messaging-method and notification-support, execution
// contexts, boot order, FF-A version, what normal-world interrupts do while
// it runs, the interrupts it owns (its device regions'), its notification
// bitmaps. The placement has checked the manifest against its own rules
// (spmc/partition_plan.h) first; Core::add_partition registers the result.
#pragma once

#include "ffa/partition_manifest.h"
#include "spmc/core.h"

namespace spmc {

Partition partition_from_manifest(const ffa::PartitionManifest& m, const Core& core);

// Partition `index`'s RX/TX pair, where its manifest declares one: the
// SPMC reaches it where the partition sees it (VA = PA: S-EL0 partitions,
// whose placement maps the partition region so). Nothing when it declares
// none (it may map one with FFA_RXTX_MAP).
void attach_manifest_mailbox(Core& core, size_t index, const ffa::PartitionManifest& m);

}  // namespace spmc
