#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_optee_messages (one file per scenario).

Each helper spells one step the way tests/fuzz/fuzz_optee_messages.cpp
decodes it, so that the seeds start the fuzzer from the conversations Linux's
optee driver has with the trusted OS, and from a partition that names the
normal world's handle.
"""
import pathlib
import sys

# Indexes into kMsgs.
YIELDING_WITH_ARG, UNREGISTER, API_VERSION, OS_VERSION, CAPABILITIES, ASYNC_NOTIF, RESUME, SPIN, \
    TIMER_ARM, BOTTOM_HALF, FP_SELF_TEST, UNKNOWN_4, UNKNOWN_YIELDING = 0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
NWD, SP1, SP2 = range(3)


def share(first_page, pages=1, writable=True, with_partition=False):
    """FFA_MEM_SHARE of `pages` (1 or 2) pool pages to the trusted OS."""
    return [0, 1, 0 if with_partition else 2, 1, 1 if writable else 0, 0, 1, first_page, pages - 1]


def open_session_arg(pool_offset, num_params=2):
    """An OPEN_SESSION optee_msg_arg with two meta value parameters."""
    out = [1, pool_offset & 0xFF, pool_offset >> 8, 1, 1, 0, 0, 0, 0, 0, 1, num_params]
    return out + [5, 5, 2, 2, 2, 2, 2, 2]  # attr 0x101 twice, then 0


def known_handle(i):
    return [1, i]


def no_handle():  # before any share: three random bytes
    return [0x34, 0x12, 0]


def call(sender, message, handle, offset=(3,), w7=0, is64=False, extra=()):
    """An OP-TEE message; offset (3,) is 0, (1, n) is 4096 - 8 * n."""
    return [3, sender, 1 if is64 else 0, message] + handle + list(offset) + [w7] + list(extra) + ([1] if is64 else [])


def reclaim(handle):
    return [6] + handle


SEEDS = {
    # Linux: share, OPEN_SESSION, UNREGISTER_SHM, reclaim.
    "linux_open_session": share(0) + open_session_arg(0) + call(NWD, YIELDING_WITH_ARG, known_handle(0))
    + call(NWD, UNREGISTER, known_handle(0)) + reclaim(known_handle(0)),
    # A partition names the normal world's handle before and after the
    # normal world used it, and tries to unregister it.
    "partition_names_nwd_handle": share(0) + open_session_arg(0) + call(SP1, YIELDING_WITH_ARG, known_handle(0))
    + call(NWD, YIELDING_WITH_ARG, known_handle(0)) + call(SP2, YIELDING_WITH_ARG, known_handle(0))
    + call(SP1, UNREGISTER, known_handle(0)) + call(NWD, UNREGISTER, known_handle(0)),
    # Identification, from every sender and in both widths.
    "identification": call(NWD, API_VERSION, no_handle()) + call(SP1, OS_VERSION, no_handle(), is64=True)
    + call(NWD, CAPABILITIES, no_handle()) + call(SP2, ASYNC_NOTIF, no_handle())
    + call(NWD, UNKNOWN_4, no_handle()) + call(NWD, UNKNOWN_YIELDING, no_handle()),
    # A spin that an interrupt stops, then its resume.
    "spin_and_resume": call(NWD, SPIN, no_handle(), extra=[10, 1, 2, 3, 4, 5, 6, 7, 8, 0])
    + call(NWD, RESUME, no_handle(), w7=0),
    # Two-page share with a partition as a second borrower; the argument at
    # the end of the first page.
    "two_borrowers": share(2, pages=2, with_partition=True) + open_session_arg(2 * 4096 + 4064)
    + call(NWD, YIELDING_WITH_ARG, known_handle(0), offset=(1, 4)),
}


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (out / name).write_bytes(bytes(data))


if __name__ == "__main__":
    main()
