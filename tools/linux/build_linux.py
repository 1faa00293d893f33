#!/usr/bin/env python3
"""Builds the Linux normal world that ships with Tessera: Debian's
linux-source-6.1, configured from allnoconfig plus tools/linux/tessera.config
(PL011, GICv3, PSCI, the FF-A transport, TEE and OP-TEE), with a built-in
initramfs: /init is tools/linux/init.c, and Debian's own OP-TEE client
(arm64 libteec1 and tee-supplicant, with libc6) runs tools/linux/teec_check.c,
a TEE Client API program built against optee-client-dev. Writes OUT/Image.

The arm64 packages are fetched with `apt-get download` (`./tessera setup`
enables the arm64 architecture) and unpacked, never installed.

  build_linux.py --out DIR [--jobs N]

Incremental: the tree is extracted once, the configuration is redone only
when the fragment changes, and make does the rest."""
import argparse
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TARBALL = pathlib.Path("/usr/src/linux-source-6.1.tar.xz")
CROSS = "aarch64-linux-gnu-"
# Debian 12's OP-TEE client 3.19 and the C library it runs on.
ARM64_PACKAGES = ["libc6", "libteec1", "tee-supplicant", "optee-client-dev"]


def run(cmd, **kw):
    print("build_linux: $ " + " ".join(str(c) for c in cmd), flush=True)
    r = subprocess.run([str(c) for c in cmd], **kw)
    if r.returncode != 0:
        sys.exit(f"build_linux: failed ({r.returncode}): {' '.join(str(c) for c in cmd)}")


def unpack_client(out):
    """Debian's arm64 OP-TEE client and C library, unpacked into OUT/sysroot."""
    debs = out / "debs"
    debs.mkdir(exist_ok=True)
    have = {p.name.split("_")[0] for p in debs.glob("*.deb")}
    want = [p for p in ARM64_PACKAGES if p not in have]
    if want:
        r = subprocess.run(["apt-get", "download"] + [p + ":arm64" for p in want], cwd=debs)
        if r.returncode != 0:
            sys.exit("build_linux: cannot download the arm64 OP-TEE client (" + " ".join(want) +
                     "): run `./tessera setup`, which enables the arm64 architecture")
    sysroot = out / "sysroot"
    stamp = sysroot / ".unpacked"
    debs_now = sorted(p.name for p in debs.glob("*.deb"))
    if not stamp.is_file() or stamp.read_text() != "\n".join(debs_now):
        shutil.rmtree(sysroot, ignore_errors=True)
        sysroot.mkdir()
        for deb in debs_now:
            run(["dpkg-deb", "-x", debs / deb, sysroot])
        stamp.write_text("\n".join(debs_now))
    return sysroot


def initramfs_list(init, check, sysroot, tas=()):
    """gen_init_cpio's list: /init, the dynamic loader and libraries the
    client programs need, tee-supplicant and the check program."""
    lib = sysroot / "lib/aarch64-linux-gnu"
    usrlib = sysroot / "usr/lib/aarch64-linux-gnu"
    teec = pathlib.Path(os.path.realpath(usrlib / "libteec.so.1"))
    lines = [
        "dir /dev 0755 0 0", "nod /dev/console 0600 0 0 c 5 1", "dir /proc 0755 0 0", "dir /sys 0755 0 0", "dir /tmp 01777 0 0",
        "dir /var 0755 0 0", "dir /var/lib 0755 0 0",
        "dir /lib 0755 0 0", "dir /lib/aarch64-linux-gnu 0755 0 0",
        "slink /lib/ld-linux-aarch64.so.1 aarch64-linux-gnu/ld-linux-aarch64.so.1 0777 0 0",
        f"file /lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 {lib / 'ld-linux-aarch64.so.1'} 0755 0 0",
        f"file /lib/aarch64-linux-gnu/libc.so.6 {lib / 'libc.so.6'} 0755 0 0",
        "dir /usr 0755 0 0", "dir /usr/lib 0755 0 0", "dir /usr/lib/aarch64-linux-gnu 0755 0 0",
        f"file /usr/lib/aarch64-linux-gnu/libteec.so.1 {teec} 0755 0 0",
        "dir /usr/sbin 0755 0 0", f"file /usr/sbin/tee-supplicant {sysroot / 'usr/sbin/tee-supplicant'} 0755 0 0",
        "dir /usr/bin 0755 0 0", f"file /usr/bin/teec-check {check} 0755 0 0",
        f"file /init {init} 0755 0 0",
        # Signed TAs tee-supplicant loads for the trusted OS (OPTEE_RPC_CMD_LOAD_TA).
        "dir /lib/optee_armtz 0755 0 0",
    ] + [f"file /lib/optee_armtz/{pathlib.Path(t).name} {t} 0444 0 0" for t in tas]
    for path in (lib / "ld-linux-aarch64.so.1", lib / "libc.so.6", teec, sysroot / "usr/sbin/tee-supplicant"):
        if not path.is_file():
            sys.exit(f"build_linux: {path} is missing from the unpacked packages")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ta", action="append", default=[], help="a signed TA for /lib/optee_armtz (repeatable)")
    a = ap.parse_args()
    out = pathlib.Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not TARBALL.is_file():
        sys.exit(f"build_linux: {TARBALL} is missing: run `./tessera setup` (package linux-source-6.1)")

    src = out / "linux-source-6.1"
    if not (src / "Makefile").is_file():
        run(["tar", "-xf", TARBALL, "-C", out])

    sysroot = unpack_client(out)

    # /init, against the tree's own nolibc; the client check against
    # Debian's headers and libteec.
    initramfs = out / "initramfs"
    initramfs.mkdir(exist_ok=True)
    init = initramfs / "init"
    run([CROSS + "gcc", "-Os", "-static", "-nostdlib", "-fno-stack-protector", "-include",
         src / "tools/include/nolibc/nolibc.h", "-o", init, HERE / "init.c", "-lgcc"])
    check = initramfs / "teec-check"
    lib = sysroot / "usr/lib/aarch64-linux-gnu"
    run([CROSS + "gcc", "-O2", "-I", sysroot / "usr/include", "-o", check, HERE / "teec_check.c", "-L", lib, "-lteec"])
    cpio_list = out / "initramfs.list"
    cpio_list.write_text(initramfs_list(init, check, sysroot, [pathlib.Path(t).resolve() for t in a.ta]))

    # The configuration: allnoconfig + the fragment (with the initramfs).
    kbuild = out / "kbuild"
    fragment = out / "tessera.config"
    text = (HERE / "tessera.config").read_text() + f'CONFIG_INITRAMFS_SOURCE="{cpio_list}"\n'
    stamp = out / "config.stamp"
    digest = hashlib.sha256(text.encode()).hexdigest()
    make = ["make", "-C", src, "ARCH=arm64", f"CROSS_COMPILE={CROSS}", f"O={kbuild}"]
    if not (kbuild / ".config").is_file() or not stamp.is_file() or stamp.read_text() != digest:
        fragment.write_text(text)
        run(make + ["allnoconfig"], stdout=subprocess.DEVNULL)
        run([src / "scripts/kconfig/merge_config.sh", "-m", "-O", kbuild, kbuild / ".config", fragment],
            stdout=subprocess.DEVNULL)
        run(make + ["olddefconfig"], stdout=subprocess.DEVNULL)
        config = (kbuild / ".config").read_text()
        for need in ("CONFIG_ARM_FFA_TRANSPORT=y", "CONFIG_OPTEE=y", "CONFIG_SERIAL_AMBA_PL011_CONSOLE=y",
                     "CONFIG_HOTPLUG_CPU=y"):
            if need not in config:
                sys.exit(f"build_linux: {need} did not survive olddefconfig: the kernel tree changed?")
        stamp.write_text(digest)
    run(make + [f"-j{a.jobs}", "Image"], stdout=subprocess.DEVNULL)
    shutil.copyfile(kbuild / "arch/arm64/boot/Image", out / "Image")
    print(f"build_linux: wrote {out / 'Image'}")


if __name__ == "__main__":
    main()
