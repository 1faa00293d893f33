"""How Tessera boots QEMU: one place that builds the command line, runs it
with a time limit and reads the harness's report. Used by ./tessera (run,
bench) and by the ctest system tests. Python standard library only."""
import pathlib
import re
import subprocess
import tempfile
import time

QEMU = "qemu-system-aarch64"
# The benchmark clock: one guest instruction per nanosecond, a fixed seed
# so the device tree QEMU builds (and so the boot path) repeats exactly.
ICOUNT_ARGS = ["-icount", "shift=0,sleep=off", "-seed", "1"]


def command(flash, smp=None, memory="1G", icount=False, extra=(), monitor="none", secure_uart=None):
    """The QEMU command for a flash file: both UARTs (normal world first,
    secure world second) share one console, interleaved byte by byte (each
    UART gets whole lines from its own world), unless `secure_uart` names a
    file for the secure UART: a judge that matches lines needs the two
    streams apart, since two worlds printing at once on two CPUs mix in the
    shared console whatever either does. Four CPUs by default; one
    under -icount, where QEMU runs the CPUs in turn on one thread and the
    counter would advance with every CPU's instructions (the
    benchmarks measure one CPU's path).

    No default devices (-nodefaults) and no network (-nic none): QEMU's
    default network card is a PCI virtio-net that wants the option ROM
    efi-virtio.rom, which only the ipxe-qemu package has, and nothing in
    Tessera uses a network, a CD-ROM or a default monitor. What is left is
    the virt board itself (UARTs, GIC, flash, RTC, GPIO, fw_cfg, the PCIe
    host bridge and virtio-mmio transports with nothing behind them);
    tests/system/check_qemu_devices.py keeps it that way."""
    if smp is None:
        smp = 1 if icount else 4
    cmd = [
        QEMU,
        "-M", "virt,secure=on,virtualization=on,gic-version=3,acpi=off",
        "-cpu", "max",
        "-smp", str(smp),
        "-m", memory,
        "-display", "none",
        "-nodefaults",
        "-nic", "none",
        "-bios", str(flash),
        "-chardev", "stdio,id=con,mux=on,signal=off",
        "-serial", "chardev:con",
        "-serial", f"file:{secure_uart}" if secure_uart else "chardev:con",
        "-monitor", monitor,
        "-no-reboot",
    ]
    if icount:
        cmd += ICOUNT_ARGS
    return cmd + list(extra)


class Run:
    def __init__(self, output, returncode, timed_out, seconds):
        self.output = output
        self.returncode = returncode
        self.timed_out = timed_out
        self.seconds = seconds

    def closing_line(self):
        """(passed, failed) from the harness's 'N passed, N failed' line."""
        m = None
        for m in re.finditer(r"^(\d+) passed, (\d+) failed\s*$", self.output, re.M):
            pass
        return (int(m.group(1)), int(m.group(2))) if m else None

    def host_complaints(self):
        """QEMU's own warnings and errors: any line before the firmware's
        first line ('[EL3] ...'), and any 'qemu-system-aarch64:' line after
        it. A run that shows one is not the run the user asked for (a ROM
        missing on a fresh machine, an option this QEMU ignores)."""
        complaints = []
        started = False
        # Known and harmless: under -icount sleep=off QEMU says so when the
        # CPUs wait with no timer armed (at power-off); it changes nothing.
        harmless = ("icount sleep disabled and no active timers",)
        for line in self.output.splitlines():
            if line.startswith("[EL3]"):
                started = True
            if any(h in line for h in harmless):
                continue
            if (not started and line.strip()) or line.startswith(QEMU + ":"):
                complaints.append(line.strip())
        return complaints

    def failures(self):
        return re.findall(r"^not ok .*$", self.output, re.M)

    def features(self):
        """{function ID: 'yes'|'no'} from '# features XXXXXXXX yes' lines."""
        return {int(m.group(1), 16): m.group(2)
                for m in re.finditer(r"^# features ([0-9a-fA-F]{8}) (yes|no)\s*$", self.output, re.M)}

    def feature_ids(self):
        """{feature ID: ('yes', w2) | ('no', error code)} from
        '# feature-id N yes w2=N' and '# feature-id N no error=-N' lines."""
        return {int(m.group(1)): ("yes" if m.group(2) == "yes w2" else "no", int(m.group(3)))
                for m in re.finditer(r"^# feature-id (\d+) (yes w2|no error)=(-?\d+)\s*$", self.output, re.M)}

    def tests(self):
        """{'group.name': passed} from the TAP lines."""
        return {m.group(2): m.group(1) == "ok"
                for m in re.finditer(r"^(ok|not ok) \d+ - (\S+)\s*$", self.output, re.M)}

    def skips(self):
        """[(group.name, reason)] from the TAP lines 'ok N - NAME # SKIP REASON'
        (a test the harness skipped: what it needs is not hosted)."""
        return [(m.group(1), m.group(2))
                for m in re.finditer(r"^ok \d+ - (\S+) # SKIP (.*?)\s*$", self.output, re.M)]

    def unexplained_skips(self, allowed):
        """[(group.name, reason)] of the skips whose reason names none of
        `allowed` (what the configuration is known not to host)."""
        return [(name, reason) for name, reason in self.skips() if not any(ok in reason for ok in allowed)]

    def calls_by_group(self):
        """{group: FF-A function IDs its tests called} from '# calls GROUP
        ID ...' lines (a group's IDs may take several lines)."""
        calls = {}
        for m in re.finditer(r"^# calls (\w+)((?: [0-9a-f]{8})*)\s*$", self.output, re.M):
            calls.setdefault(m.group(1), set()).update(int(x, 16) for x in m.group(2).split())
        return calls

    def benchmarks(self):
        """{name: instructions} from '# bench NAME N' lines."""
        return {m.group(1): int(m.group(2)) for m in re.finditer(r"^# bench (\S+) (\d+)\s*$", self.output, re.M)}


def run(cmd, timeout, echo=False, hide=()):
    """Runs QEMU, optionally echoing its console live (less the lines that
    start with a prefix in `hide`); kills it at `timeout`."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", bufsize=1)
    chunks = []
    timed_out = False
    try:
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            if not sel.select(timeout=min(left, 1.0)):
                if proc.poll() is not None:
                    break
                continue
            line = proc.stdout.readline()
            if not line:
                break
            line = line.replace("\r", "")
            chunks.append(line)
            if echo and not line.startswith(tuple(hide)):
                print(line, end="", flush=True)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return Run("".join(chunks), proc.returncode, timed_out, time.monotonic() - start)


def run_apart(flash, timeout, **options):
    """Runs a flash file (command()'s options) with the secure UART in a
    file of its own: (the Run, with the normal world's console as
    `output`; the secure UART's text). For judges that read lines: two
    worlds printing at once on two CPUs would mix in a shared console."""
    with tempfile.TemporaryDirectory() as tmp:
        secure_log = pathlib.Path(tmp) / "secure-uart.log"
        r = run(command(flash, secure_uart=secure_log, **options), timeout)
        secure = secure_log.read_text(errors="replace") if secure_log.exists() else ""
    return r, secure
