#!/usr/bin/env python3
"""Boots the Linux normal world (a Linux 6.1 kernel with the FF-A transport
and the OP-TEE driver, tools/linux) on a secure world at -smp 4 on plain
`-cpu max`, and passes when Linux negotiated FF-A (--abi ffa, the default:
sel1-spmc) or its FF-A driver gave up quietly and the OP-TEE driver came up
over the OP-TEE SMC ABI (--abi smc: optee-smc), the OP-TEE
driver bound and user space reached it through /dev/tee0, every CPU came
up, teec-check (tools/linux/teec_check.c, the TEE Client API against the
TAs in tas/) passed every test, every secondary CPU went offline and came
back (CPU hotplug: PSCI CPU_OFF through the secure world, then CPU_ON),
and Linux powered the machine off; with no
error or warning from the monitor or the trusted OS (save the hostile TA's
own fault and panic reports), no kernel oops and no QEMU complaint. Prints
teec-check's invoke latency."""
import argparse
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
import tessera_qemu  # noqa: E402

# What the run must show, in the words Linux 6.1 and tools/linux/init.c use.
REQUIRED = [
    "optee: initialized driver",
    "smp: Brought up 1 node, 4 CPUs",
    "tessera-init: /dev/tee0 present",
    "tessera-init: /dev/teepriv0 present",
    "tessera-init: TEE implementation 1 (OP-TEE)",
    "tessera-init: 4 CPUs online",
    "tessera-init: teec-check exited with 0",
    "reboot: Power down",
    "[EL3] PSCI SYSTEM_OFF",
]
# What differs with the transport (--abi): Linux's FF-A driver finds FF-A
# 1.2, or it is told NOT_SUPPORTED and gives up; the OP-TEE driver then
# binds over SMC (the /firmware/optee node) with dynamic shared memory,
# and the trusted OS says it serves the OP-TEE SMC ABI.
ABI_REQUIRED = {
    # The FF-A devices on Linux's bus are checked per placement
    # (PLACEMENT_REQUIRED).
    "ffa": ["ARM FF-A: Firmware version 1.2 found"],
    "smc": ["ARM FF-A: FFA_VERSION returned not supported", "optee: probing for conduit method.",
            "optee: dynamic shared memory is enabled", "[S-EL1] trusted OS ready: OP-TEE SMC ABI 2.0",
            "[EL3] Tessera monitor, OP-TEE dispatcher (no FF-A)",
            # Asynchronous notifications: Linux 6.1's SMC driver enables
            # them (the interrupt in /firmware/optee), takes the interrupt
            # the trusted OS raises at once, and runs the bottom half.
            "optee: Asynchronous notifications enabled",
            "[S-EL1] async notifications: first bottom half for endpoint 0"],
}
# What differs with the SPMC's placement (--placement; FF-A only):
#  - sel1: the SPMC and the trusted OS share an image at S-EL1; the trusted
#    OS and the seven S-EL0 partitions are devices on Linux's FF-A bus;
#  - sel2: the SPMC is a secure hypervisor at S-EL2 and the trusted OS one
#    of its S-EL1 partitions (its lines come through the SPMC's console),
#    with mp-c and its seven UP instances, and the seven S-EL0 partitions
#    of sel1-spmc, which run in the hypervisor's EL2&0 regime: sixteen
#    devices. Linux runs at
#    NS-EL2 in VHE mode, so every EL2 register it keeps must survive each
#    world switch, and every CPU cold-boots the SPMC and the partitions'
#    contexts there (PSCI CPU_ON).
PLACEMENT_REQUIRED = {
    "sel1": ["tessera-init: FF-A devices 8"],
    "sel2": ["tessera-init: FF-A devices 16",
             "[EL3] SPMD: entering SPMC 0x8000 at 0xe100000 (S-EL2)",
             "[S-EL2] SPMC 0x8000 (FF-A 1.2) ready at S-EL2; 16 partition(s): 9 at S-EL1, 7 at S-EL0",
             "[S-EL2] SP 0x8100: [TOS] trusted OS 0x8100 ready as an S-EL1 partition (OP-TEE's FF-A ABI, 4 threads)",
             "[S-EL2] SP 0x8010: context 0 up at S-EL1, MMU on; secondary entry registered",
             "[S-EL2] CPU 3 ready",
             "CPU: All CPU(s) started at EL2"],
}
# Where the trusted OS's lines come from, per placement.
TOS_PREFIX = r"(?:\[S-EL1\]|\[S-EL2\] SP 0x8100: \[TOS\])"
# Linux 6.1's FF-A driver has no asynchronous notifications (6.7 added
# them): there is no such interrupt there. Over SMC, at least the first.
NOTIFICATION_COUNT = re.compile(r"^tessera-init: optee_notification interrupts (\d+)$")
NO_NOTIFICATION = "tessera-init: no optee_notification interrupt"
ABI_FORBIDDEN = {
    "ffa": ["optee: probing for conduit method."],
    "smc": ["ARM FF-A: Firmware version", "[S-EL1] SPMC"],
}
# tools/linux/teec_check.c: Debian's OP-TEE client (libteec1 and
# tee-supplicant) against the TAs in tas/. Each test must print `ok N - name`;
# a new test there adds its name here.
MEMREF_TESTS = ["AllocateSharedMemory", "REVERSE, MEMREF_WHOLE", "REVERSE, MEMREF_PARTIAL at offset 100",
                "REVERSE into 16 bytes -> SHORT_BUFFER and the size needed",
                "RegisterSharedMemory (malloc, 12411 bytes, unaligned)", "REVERSE, registered memory",
                "REVERSE, TempMemoryReference", "TempMemoryReference too small -> SHORT_BUFFER and the size needed"]
TESTS = ["InitializeContext", "hello: OpenSession", "hello: INC_VALUE 41 -> 42", "hello: DEC_VALUE 42 -> 41",
         "hello: wrong param types -> BAD_PARAMETERS from the TA", "hello: a second session",
         "hello: COUNT (invocations, 2 sessions)", "hello: COUNT after CloseSession (1 session)"] + [
    "hello: " + t for t in MEMREF_TESTS] + [
    "caller: OpenSession", "caller: INC_TWICE 5 -> 7 through hello"] + ["caller: " + t for t in MEMREF_TESTS] + [
    "caller: OPEN_MISSING -> ITEM_NOT_FOUND from the TEE",
    "hostile: two sessions (two instances)", "hostile: READ_TOS -> TARGET_DEAD from the TEE",
    "hostile: the dead session stays TARGET_DEAD", "hostile: the other instance still answers NOP",
    "hostile: TEE_Panic -> TARGET_DEAD from the TEE", "hostile: the hello session still works",
    "hostile: CloseSession of dead sessions, then a fresh instance",
    "cancel: TEE_Wait(20 ms) returns 0", "cancel: RequestCancellation ends a wait forever",
    "cancel: the session works afterwards",
    "concurrent: two sessions", "concurrent: both calls into the one instance finish (the second waits)",
    "storage: OpenSession", "storage: WRITE an object", "storage: READ it back", "storage: open, seek, write, read",
    "storage: CREATE of an existing object -> ACCESS_CONFLICT",
    "storage: READ into 4 bytes -> SHORT_BUFFER and the size", "storage: tee-supplicant's file holds no plaintext",
    "storage: a new session reads it", "storage: DELETE, then READ -> ITEM_NOT_FOUND",
    "storage: two clients at once, 10 writes and reads each",
    "crypto: OpenSession", 'crypto: SHA-256("abc")', "concurrent: four clients, 40 rounds of hello and SHA-256 each",
    "loaded TA: OpenSession loads it through tee-supplicant", "loaded TA: INC_VALUE 9 -> 10",
    "loaded TA: changed after signing -> SECURITY from the TEE", "loaded TA: another TA's file under this UUID -> SECURITY",
    "latency: 200 INC_VALUE invocations", "FinalizeContext"]
OK = re.compile(r"^ok \d+ - (.*)$")
SKIP = " # SKIP "
CLOSING = re.compile(r"^(\d+) passed, (\d+) failed$")
BENCH = re.compile(r"^bench teec_invoke_latency_ticks (\d+) freq_hz (\d+)")
# The hostile TA's faults and panics are reported as errors by design (and
# only those): the trusted OS names the slot and what ended it.
HOSTILE_ERROR = re.compile(TOS_PREFIX + r" ERROR: TA slot \d+(?: faulted: ESR 0x[0-9a-f]+ ELR 0x[0-9a-f]+ FAR 0x[0-9a-f]+"
                           r"| panicked \(code 0xbadc0de\)"
                           r"|: (?:faulted|panicked); its sessions end with TEE_ERROR_TARGET_DEAD)$"
                           # the two refusable TA files teec-check asks tee-supplicant for
                           r"|" + TOS_PREFIX + r" ERROR: loaded TA refused: (?:its signature does not verify against this "
                           r"trusted OS's key|it is another TA than the one asked for)$")

# What it must not show.
FORBIDDEN = ["[EL3] ERROR", "[EL3] WARN", "[S-EL1] ERROR", "[S-EL1] WARN", "[S-EL2] ERROR", "[S-EL2] WARN",
             "[TOS] ERROR", "[TOS] WARN", "PANIC", "Kernel panic", "Oops", "Unable to handle", "BUG:",
             "Internal error", "failed to"]
HOSTILE_EXEMPT = ("[S-EL1] ERROR", "[S-EL2] ERROR", "[TOS] ERROR")


def judge(output, abi="ffa", placement="sel1", smp=4):
    """What is wrong with a run's console output (nothing when it passed);
    prints teec-check's latency. Separate from main() to be tried on saved
    or doctored logs. `abi`: the OP-TEE transport, "ffa" or "smc";
    `placement`: the SPMC's, "sel1" or "sel2" (FF-A only); `smp`: the CPUs
    QEMU gave it."""
    required = [line.replace(" 4 CPUs", f" {smp} CPUs") for line in REQUIRED]
    # CPU hotplug: each secondary CPU offline (PSCI CPU_OFF, which the
    # secure world is told of first, and its MP partitions that asked) and
    # back (CPU_ON: the secure world's cold boot there first).
    required.append(f"tessera-init: CPU hotplug: {smp - 1} of {smp - 1} secondary CPUs went offline and came back")
    if abi == "ffa" and placement == "sel2":
        # mp-c asks to be told of CPU_OFF (power-management-messages): it
        # logs the first time on each CPU, and agrees.
        required += [f"[S-EL2] SP 0x8010: told of CPU_OFF on CPU {n} (the first time)" for n in range(1, smp)]
    required += ABI_REQUIRED[abi] + (PLACEMENT_REQUIRED[placement] if abi == "ffa" else [])
    verdict = [f"missing: {line!r}" for line in required if line not in output]
    verdict += [f"found {line!r} ({abi} transport)" for line in ABI_FORBIDDEN[abi] if line in output]
    lines = [l.strip() for l in output.splitlines()]
    oks = [m.group(1) for m in map(OK.match, lines) if m]
    # A skipped test (TAP "# SKIP") is no pass, over either transport: both
    # carry the trusted OS's RPC now.
    verdict += [f"teec-check: skipped {t.split(SKIP, 1)[0]!r}" for t in oks if SKIP in t]
    passed = {t for t in oks if SKIP not in t}
    verdict += [f"teec-check: {l}" for l in lines if l.startswith("not ok ")]
    verdict += [f"teec-check: no 'ok N - {t}'" for t in TESTS if t not in passed]
    closing = [m for m in map(CLOSING.match, lines) if m]
    if not closing:
        verdict.append("teec-check: no closing 'N passed, N failed' line")
    elif closing[-1].group(2) != "0":
        verdict.append(f"teec-check: {closing[-1].group(0)}")
    counts = [int(m.group(1)) for m in map(NOTIFICATION_COUNT.match, lines) if m]
    if abi == "smc" and not (counts and counts[-1] >= 1):
        verdict.append("no optee_notification interrupt taken by Linux")
    if abi == "ffa" and NO_NOTIFICATION not in lines:
        verdict.append(f"missing: {NO_NOTIFICATION!r}")
    bench = [m for m in map(BENCH.match, lines) if m]
    if bench:
        t, hz = int(bench[-1].group(1)), int(bench[-1].group(2))
        print(f"bench teec_invoke_latency_ticks {t} (counter {hz} Hz: {t * 1e6 / hz:.1f} us per TEEC_InvokeCommand)")
    else:
        verdict.append("teec-check: no bench line")
    for bad in FORBIDDEN:
        found = [l for l in lines if bad in l and not (bad in HOSTILE_EXEMPT and HOSTILE_ERROR.search(l))]
        if found:
            verdict.append(f"found {bad!r}: {found[0]}")
    return verdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flash", required=True)
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--abi", choices=("ffa", "smc"), default="ffa",
                    help="how Linux reaches the trusted OS: FF-A (sel1-spmc) or the OP-TEE SMC ABI (optee-smc)")
    ap.add_argument("--placement", choices=("sel1", "sel2"), default="sel1",
                    help="where the SPMC runs (FF-A): sel1 (with the trusted OS in its image, sel1-spmc) or sel2 "
                         "(a secure hypervisor, the trusted OS one of its S-EL1 partitions, sel2-spmc)")
    ap.add_argument("--smp", type=int, choices=range(1, 9), default=4,
                    help="CPUs for QEMU (-smp); every one comes up in Linux and in the secure world")
    a = ap.parse_args()
    if not pathlib.Path(a.flash).is_file():
        print(f"FAIL: no such file {a.flash}; build the firmware preset with TESSERA_LINUX=ON (./tessera build)")
        return 1
    # The secure UART goes to a file of its own: Linux and the secure world
    # print at the same moments on different CPUs (a bottom half runs while
    # the driver probes), and in one shared console their lines would mix
    # byte by byte. The judge reads the secure world's lines, then Linux's.
    r, secure = tessera_qemu.run_apart(a.flash, a.timeout, smp=a.smp)
    r.output = secure + r.output
    print(r.output)
    verdict = []
    if r.timed_out:
        verdict.append(f"Linux did not power off within {a.timeout:.0f} s")
    complaints = r.host_complaints()
    if complaints:
        verdict.append("QEMU complained: " + " | ".join(complaints[:5]))
    verdict += judge(r.output, a.abi, a.placement, a.smp)
    if verdict:
        print("FAIL: " + " / ".join(verdict))
        return 1
    over = ("FF-A (the trusted OS an S-EL1 partition of the S-EL2 SPMC)" if a.placement == "sel2" else "FF-A") \
        if a.abi == "ffa" else "the OP-TEE SMC ABI"
    print(f"PASS: Linux booted at -smp {a.smp}, bound the OP-TEE driver over {over} and powered off in "
          f"{r.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
