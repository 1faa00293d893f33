#!/usr/bin/env python3
"""Builds the Linux normal world that ships with Tessera: Debian's
linux-source-6.1, configured from allnoconfig plus tools/linux/tessera.config
(PL011, GICv3, PSCI, the FF-A transport, TEE and OP-TEE), with a built-in
initramfs whose /init is tools/linux/init.c. Writes OUT/Image.

  build_linux.py --out DIR [--jobs N]

Incremental: the tree is extracted once, the configuration is redone only
when the fragment changes, and make does the rest."""
import argparse
import hashlib
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TARBALL = pathlib.Path("/usr/src/linux-source-6.1.tar.xz")
CROSS = "aarch64-linux-gnu-"


def run(cmd, **kw):
    print("build_linux: $ " + " ".join(str(c) for c in cmd), flush=True)
    r = subprocess.run([str(c) for c in cmd], **kw)
    if r.returncode != 0:
        sys.exit(f"build_linux: failed ({r.returncode}): {' '.join(str(c) for c in cmd)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    out = pathlib.Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not TARBALL.is_file():
        sys.exit(f"build_linux: {TARBALL} is missing: run `./tessera setup` (package linux-source-6.1)")

    src = out / "linux-source-6.1"
    if not (src / "Makefile").is_file():
        run(["tar", "-xf", TARBALL, "-C", out])

    # /init, against the tree's own nolibc, and the initramfs list.
    initramfs = out / "initramfs"
    initramfs.mkdir(exist_ok=True)
    init = initramfs / "init"
    run([CROSS + "gcc", "-Os", "-static", "-nostdlib", "-fno-stack-protector", "-include",
         src / "tools/include/nolibc/nolibc.h", "-o", init, HERE / "init.c", "-lgcc"])
    cpio_list = out / "initramfs.list"
    cpio_list.write_text("dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\ndir /proc 0755 0 0\n"
                         f"file /init {init} 0755 0 0\n")

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
        for need in ("CONFIG_ARM_FFA_TRANSPORT=y", "CONFIG_OPTEE=y", "CONFIG_SERIAL_AMBA_PL011_CONSOLE=y"):
            if need not in config:
                sys.exit(f"build_linux: {need} did not survive olddefconfig: the kernel tree changed?")
        stamp.write_text(digest)
    run(make + [f"-j{a.jobs}", "Image"], stdout=subprocess.DEVNULL)
    shutil.copyfile(kbuild / "arch/arm64/boot/Image", out / "Image")
    print(f"build_linux: wrote {out / 'Image'}")


if __name__ == "__main__":
    main()
