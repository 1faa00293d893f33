#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_core_dispatch (one file per scenario).

The input format is described at the top of tests/fuzz/fuzz_core_dispatch.cpp;
the helpers below spell each call the way that file decodes it, so the seeds
start the fuzzer from realistic normal-world conversations.
"""
import pathlib
import sys

# Indexes into kFids.
VERSION, FEATURES, RX_RELEASE, RXTX_MAP_32, RXTX_MAP_64, RXTX_UNMAP, PARTITION_INFO_GET, ID_GET, \
    SPM_ID_GET, DIRECT_REQ_32, DIRECT_REQ_64, DIRECT_RESP_32 = range(12)
# Indexes into kEndpoints.
NWD, VM1, SPMC, OPTEE, INDIRECT, REMOTE, UNKNOWN, SPMD = range(8)
# Indexes into kUuids.
NIL, OPTEE_UUID, SHARED_UUID, UNKNOWN_UUID = range(4)


def zero():
    return [0]


def small(v):
    return [1, v]


def page(n):  # NS memory page n (0x40000000 + n * 4096)
    return [2, n]


def near(offset):  # 0x40000000 + offset (3 bytes), may be unaligned
    return [3] + list(offset.to_bytes(3, "little"))


def endpoints(sender, receiver):
    return [4, sender, receiver]


def version(i):  # 0: 1.0, 1: 1.1, 2: 1.2, 3: 1.3, 4: 1.0xFFFF, 5: 2.0, 6: 0.2, 7: bit 31
    return [5, i]


def flag(i):  # 0: framework VERSION request, 1: its response, 2: bare framework bit, ...
    return [6, i]


def u32(v):
    return [7] + list(v.to_bytes(4, "little"))


def call(op, *regs, uuid=None, junk=False):
    shape = (1 if uuid is not None else 0) | (2 if junk else 0)
    out = [op, shape] + ([uuid] if uuid is not None else [])
    count = 3 if uuid is not None else 7
    regs = list(regs) + [zero()] * (count - len(regs))
    for r in regs:
        out += r
    return out


SEEDS = {
    "linux_startup": [
        call(VERSION, version(1)),
        call(ID_GET),
        call(RXTX_MAP_64, page(16), page(32), small(1)),
        call(PARTITION_INFO_GET, uuid=NIL),
        call(RX_RELEASE),
        call(FEATURES, u32(0xC4000073)),
        call(DIRECT_REQ_32, endpoints(NWD, OPTEE), zero(), small(1)),
        call(RXTX_UNMAP),
    ],
    "v1_0_client": [
        call(VERSION, version(0)),
        call(RXTX_MAP_32, page(1), page(2), small(1)),
        call(PARTITION_INFO_GET, uuid=NIL),
        call(RX_RELEASE),
        call(PARTITION_INFO_GET, uuid=OPTEE_UUID),
        call(SPM_ID_GET),
        call(RXTX_UNMAP),
    ],
    "count_only": [
        call(VERSION, version(2)),
        call(PARTITION_INFO_GET, small(1), uuid=NIL),
        call(PARTITION_INFO_GET, small(1), uuid=SHARED_UUID),
        call(PARTITION_INFO_GET, small(1), uuid=UNKNOWN_UUID),
        call(PARTITION_INFO_GET, uuid=NIL),
    ],
    "framework_version": [
        call(DIRECT_REQ_32, endpoints(SPMD, SPMC), flag(0), version(1)),
        call(DIRECT_REQ_32, endpoints(SPMD, SPMC), flag(0), version(5)),
        call(VERSION, version(2)),
        call(ID_GET),
        call(DIRECT_REQ_32, endpoints(SPMD, SPMC), flag(0), version(2)),
    ],
    "hostile_rxtx": [
        call(RXTX_MAP_64, page(0), page(0), small(1)),
        call(RXTX_MAP_64, near(0x800), page(4), small(1)),
        call(RXTX_MAP_64, page(0), page(8), small(17)),
        call(RXTX_MAP_64, page(0), page(8), flag(7)),
        call(RXTX_MAP_64, page(250), page(255), small(2)),
        call(RXTX_MAP_64, page(0), page(16), small(16)),
        call(RXTX_MAP_64, page(64), page(80), small(1)),
        call(RX_RELEASE),
        call(RXTX_UNMAP, small(1)),
        call(RXTX_UNMAP),
        call(RXTX_UNMAP),
    ],
    "direct_requests": [
        call(DIRECT_REQ_64, endpoints(NWD, OPTEE), zero(), [8] + [0xAA] * 8, [9] + [0x55] * 8, junk=True),
        call(DIRECT_REQ_32, endpoints(NWD, INDIRECT)),
        call(DIRECT_REQ_32, endpoints(NWD, REMOTE)),
        call(DIRECT_REQ_32, endpoints(VM1, OPTEE)),
        call(DIRECT_REQ_32, endpoints(NWD, OPTEE), flag(4)),
        call(DIRECT_RESP_32, endpoints(OPTEE, NWD)),
    ],
}


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, calls in SEEDS.items():
        (out / name).write_bytes(bytes(b for c in calls for b in c))


if __name__ == "__main__":
    main()
