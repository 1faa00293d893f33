#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_core_partitions (one file per scenario).

The bytes follow the order tests/fuzz/fuzz_core_partitions.cpp reads them:
the placement model; for each of the three partitions its boot order and
whether others' secure interrupts wait (and, for the MP partition 0x8003,
whether it asks to be told of CPU_OFF); whether the normal world lends
early; then one event per step. While CPU 0 boots the partitions a step
reads no CPU byte (nor does the normal world's first turn after it);
afterwards each step starts with one. A partition's call is an event byte
(EV_CALL: a call) and regs_from()'s bytes: an index into kFids, sender and
receiver indexes into kIds, a shape byte.
"""
import pathlib
import sys

# Indexes into kFids.
SUCCESS_32, MSG_WAIT, DIRECT_REQ_32, DIRECT_RESP_32 = 1, 5, 6, 8
# Indexes into kIds.
P8001, P8002, P8003, NWD = 0, 1, 2, 3
# Event bytes while a partition runs on the CPU (event % 8): 1 a
# normal-world interrupt, 7 a call (5 with bits 3-4 clear is a timer
# rewrite), 6 the framework answer to CPU_OFF while told (bit 6: agreed),
# 0 a fault (for a partition told of CPU_OFF, only while told).
EV_NS_INTERRUPT, EV_CALL, EV_POWER_ANSWER, EV_FAULT = 1, 7, 6, 0
AGREED = 0x40
# The normal world's turn: 0xFE is CPU_OFF where the MP partition asks to
# be told of it; 7 (not a multiple of 4) a call, from regs_from()'s bytes
# (past the input's end: zeros).
TURN_CPU_OFF, TURN_CALL = 0xFE, 7
VIRTUAL = 1  # the first byte: a placement with virtual interrupts


def call(fid, sender, receiver):
    # Shape 0: x2 = 0, x3-x7 = 3-7 (the payload of a direct message).
    return [EV_CALL, fid, sender, receiver, 0]


def msg_wait():
    # x1 and x3-x7 are MBZ: shape 0x3E makes x3-x7 words, each 0.
    return [EV_CALL, MSG_WAIT, NWD, NWD, 0x3E] + [0] * 40


def partitions(told_of_cpu_off=False):
    # Boot orders 0, 1, 2; others' secure interrupts preempt each; the MP
    # partition told of CPU_OFF or not; no early lending.
    return [0, 0, 1, 0, 2, 0, 1 if told_of_cpu_off else 0, 0]


def boot():
    # The three partitions, each ready at once.
    return msg_wait() * 3


def managed_exit():
    """A normal-world request to 0x8002 (managed exit), a normal-world
    interrupt while it works (its signal raised), its early answer, and
    one more step for the invariants to look."""
    return ([VIRTUAL] + partitions() + boot() +
            [1, DIRECT_REQ_32, NWD, P8002, 0] +        # the normal world's turn: a request
            [0, EV_NS_INTERRUPT] +                     # CPU 0: a normal-world interrupt
            [0] + call(DIRECT_RESP_32, P8002, NWD) +   # CPU 0: the answer
            [0, TURN_CALL])                            # CPU 0: the normal world's next call


def cpu_off():
    """The MP partition asks to be told of CPU_OFF. CPU 1 comes up (its
    context boots); a CPU_OFF there it refuses (the CPU stays), one it
    agrees to (the CPU goes); CPU 1 comes up again, and the next CPU_OFF
    finds it faulting while told (the CPU goes all the same)."""
    return ([0] + partitions(told_of_cpu_off=True) + boot() +
            [1, SUCCESS_32, NWD, NWD, 0] +             # the normal world's first turn
            [1] +                                      # CPU 1 comes up
            [1] + msg_wait() +                         # its context is ready
            # CPU_OFF told, refused; the SPMD's answer looked at (a step of
            # its own: no turn byte).
            [1, TURN_CPU_OFF] + [1, EV_POWER_ANSWER] + [1] +
            [1, TURN_CPU_OFF] + [1, EV_POWER_ANSWER | AGREED] + [1] +
            [1] + [1] + msg_wait() +                   # CPU 1 comes up again
            [1, TURN_CPU_OFF] + [1, EV_FAULT] + [1] +
            [0, TURN_CALL])                            # CPU 0: the normal world's next call


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "managed_exit").write_bytes(bytes(managed_exit()))
    (out / "cpu_off").write_bytes(bytes(cpu_off()))


if __name__ == "__main__":
    main()
