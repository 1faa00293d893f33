#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_core_partitions (one file per scenario).

The bytes follow the order tests/fuzz/fuzz_core_partitions.cpp reads them:
the placement model, the three partitions' boot orders, whether the normal
world lends early, then one event per step. While CPU 0 boots the
partitions a step reads no CPU byte; afterwards each step starts with one.
A partition's call is an event byte (5: a call) and regs_from()'s bytes:
an index into kFids, sender and receiver indexes into kIds, a shape byte.
"""
import pathlib
import sys

# Indexes into kFids.
MSG_WAIT, DIRECT_REQ_32, DIRECT_RESP_32 = 5, 6, 8
# Indexes into kIds.
P8001, P8002, P8003, NWD = 0, 1, 2, 3
# Event bytes while a partition runs on the CPU (event % 8).
EV_NS_INTERRUPT, EV_CALL = 1, 5
VIRTUAL = 1  # the first byte: a placement with virtual interrupts


def call(fid, sender, receiver):
    return [EV_CALL, fid, sender, receiver, 0]


def boot():
    # The three partitions in boot order 0, 1, 2, each ready at once.
    return [0, 1, 2, 0] + call(MSG_WAIT, 0, 0) * 3


def managed_exit():
    """A normal-world request to 0x8002 (managed exit), a normal-world
    interrupt while it works (its signal raised), its early answer, and
    one more step for the invariants to look."""
    return ([VIRTUAL] + boot() +
            [1, DIRECT_REQ_32, NWD, P8002, 0] +        # the normal world's turn: a request
            [0, EV_NS_INTERRUPT] +                     # CPU 0: a normal-world interrupt
            [0] + call(DIRECT_RESP_32, P8002, NWD) +   # CPU 0: the answer
            [0, EV_CALL])


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "managed_exit").write_bytes(bytes(managed_exit()))


if __name__ == "__main__":
    main()
