#!/usr/bin/env python3
"""ctest: the machine QEMU builds from Tessera's own command line
(tools/tessera_qemu.py), stopped before its first instruction and listed
with the monitor's `info qtree`. It fails when

- QEMU prints anything while it builds the machine (a missing ROM, an
  ignored option), or
- a device asks for an option ROM (`romfile`): ROMs come from packages
  such as ipxe-qemu that `./tessera setup` does not install, so a run that
  needs one works on a developer's machine and fails on a fresh one, or
- anything but the host bridge sits on the PCI bus: Tessera drives no PCI
  device, so one there is a default nobody asked for (QEMU's default
  network card was one)."""
import argparse
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
import tessera_qemu  # noqa: E402

PCI_ALLOWED = {"gpex-root"}  # the host bridge's own function


def monitor_command(sock, cmd, timeout=10.0):
    sock.sendall((cmd + "\n").encode())
    data = b""
    end = time.monotonic() + timeout
    while not data.rstrip().endswith(b"(qemu)") or cmd.encode() not in data:
        sock.settimeout(max(0.1, end - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        if time.monotonic() > end:
            break
    return data.decode(errors="replace")


def qtree(flash):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "monitor.sock")
        cmd = tessera_qemu.command(flash, smp=1, monitor=f"unix:{path},server=on,wait=off", extra=["-S"])
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
        try:
            for _ in range(100):
                if os.path.exists(path) or proc.poll() is not None:
                    break
                time.sleep(0.1)
            if proc.poll() is not None:
                return None, proc.stdout.read()
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(path)
                monitor_command(s, "")  # the banner and first prompt
                tree = monitor_command(s, "info qtree")
                s.sendall(b"quit\n")
                s.settimeout(10)
                while s.recv(4096):  # QEMU closes the monitor as it quits
                    pass
            out, _ = proc.communicate(timeout=10)
            return tree, out
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def parse_qtree(tree):
    """[(device, romfile)] for every device, and the devices that sit on a
    PCI bus other than the host bridge's own function. The tree is nested
    by indentation: a device belongs to the nearest `bus:` above it with
    less indentation."""
    devices, pci = [], []
    buses = []  # (indent, is_pci) of the buses enclosing the current line
    for raw in tree.replace("\r", "").splitlines():
        line = raw.rstrip()
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if text.startswith("bus: "):
            while buses and buses[-1][0] >= indent:
                buses.pop()
            buses.append([indent, False])
        elif text.startswith("type ") and buses and indent > buses[-1][0]:
            buses[-1][1] = text in ("type PCI", "type PCIE")
        elif text.startswith("dev: "):
            while buses and buses[-1][0] >= indent:
                buses.pop()
            name = text[5:].split(",")[0]
            devices.append([name, ""])
            if buses and buses[-1][1] and name not in PCI_ALLOWED:
                pci.append(name)
        elif text.startswith("romfile = ") and devices:
            devices[-1][1] = text.split('"')[1] if '"' in text else ""
    return [tuple(d) for d in devices], pci


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flash", required=True)
    a = ap.parse_args()
    if not pathlib.Path(a.flash).is_file():
        print(f"FAIL: no flash file {a.flash}; build the firmware preset first (./tessera build)")
        return 1
    tree, out = qtree(a.flash)
    verdict = []
    said = [l for l in out.splitlines() if l.strip()]
    if said:
        verdict.append("QEMU said: " + " | ".join(said[:5]))
    if tree is None:
        verdict.append("QEMU stopped before its monitor answered")
    else:
        devices, pci = parse_qtree(tree)
        roms = [(dev, rom) for dev, rom in devices if rom]
        print(f"{len(devices)} devices; PCI devices beyond the host bridge: {pci or 'none'}; "
              f"option ROMs asked for: {roms or 'none'}")
        if roms:
            verdict.append("devices that want an option ROM: " + ", ".join(f"{d} ({r})" for d, r in roms))
        if pci:
            verdict.append("devices on PCI that Tessera does not use: " + ", ".join(pci))
    if verdict:
        print("FAIL: " + " / ".join(verdict))
        print("Look at the command line in tools/tessera_qemu.py: it must ask for no device that needs a file "
              "`./tessera setup` does not install.")
        return 1
    print("PASS: no option ROMs, nothing on PCI, QEMU silent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
