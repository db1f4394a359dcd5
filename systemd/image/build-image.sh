#!/bin/bash
# Build the kiosk's flashable image: Debian bookworm, arm64, for a Raspberry Pi 3, 4 or 400.
#
#   sudo systemd/image/build-image.sh [OUT]        (make image calls this; OUT: build/image)
#
# Steps, each done once and skipped when re-run (delete OUT/.done-* to redo one):
#   1 bootstrap  debootstrap --foreign an arm64 root file system, then its second stage run
#                through qemu-user (binfmt) inside a chroot
#   2 packages   Debian's packages: the kernel and Pi firmware, python3-pygame (SDL with KMS/DRM),
#                python3-opencv, python3-nacl, python3-serial, libzbar0, fonts-nanum, espeak-ng, ...
#   3 project    this project and the Python packages Debian lacks (aarch64 wheels from PyPI,
#                fetched on the build machine with pip), the units, users, directories, udev rules
#   4 assemble   a two-partition disk image (FAT boot, ext4 root), made without loop devices
#                (mkfs.ext4 -d, mtools), and its SHA-256 checksum
#
# Needs root and: debootstrap qemu-user-static binfmt-support dosfstools mtools e2fsprogs fdisk
# python3-pip. The mirror is the one this machine's apt uses (or MIRROR=...).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$(realpath -m "${1:-$REPO/build/image}")"
ROOTFS="$OUT/rootfs"
SUITE=bookworm
ARCH=arm64
IMAGE="$OUT/kiosk-$SUITE-$ARCH.img"
BOOT_MB=256
# Debian packages of the kiosk (see docs/image.md for why each is there).
PACKAGES="linux-image-arm64 raspi-firmware systemd-sysv systemd-timesyncd udev kmod dbus
  python3 python3-pygame python3-opencv python3-numpy python3-nacl python3-serial python3-pil
  python3-pyzbar libzbar0 libsodium23 fonts-nanum espeak-ng alsa-utils ca-certificates"
# Python packages the kiosk needs that bookworm lacks or has too old (installed with --no-deps),
# pinned to the versions the test suite ran with, so the same commit gives the same image.
PIP_PACKAGES="zxing-cpp==3.1.1 segno==1.6.6 sqlite-utils==4.2.1 sqlite-fts4==1.0.3 click==8.5.1
  click-default-group==1.2.4 tabulate==0.10.0 python-dateutil==4.0.0 six==1.17.0 pluggy==1.7.0
  reportlab==5.1.0 rl_accel==0.9.1 pillow==13.0.0 charset-normalizer==3.5.2
  httpx==0.29.0 httpcore==1.0.9 h11==0.16.0 anyio==4.16.0 idna==3.20 certifi==2026.10.19.post1
  typing_extensions==4.16.0"
# Not in the image, on purpose: starlette and uvicorn, the central node's web server (no server
# runs on a kiosk). tests/test_image_packages.py checks that setup.cfg's other needs are here.
# Pure-Python packages that PyPI has as source only (no wheel for --only-binary to find): built
# here into py3-none-any wheels, which fit any platform.
PIP_SOURCE_PACKAGES="pysodium==0.7.19"

log() { printf '\n== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
done_step() { touch "$OUT/.done-$1"; }
step_done() { [ -e "$OUT/.done-$1" ]; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
for tool in debootstrap mkfs.ext4 mkfs.vfat mcopy sfdisk sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install debootstrap e2fsprogs dosfstools mtools fdisk"
done
mkdir -p "$OUT"

host_mirror() {  # the first Debian URI this machine's apt is configured with
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | grep -v security | head -n1  || true
}
MIRROR="${MIRROR:-$(host_mirror)}"

binfmt_ready() {
  [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && command -v update-binfmts >/dev/null; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64
}

in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }

mount_virtual() {
  mountpoint -q "$ROOTFS/proc" || mount -t proc proc "$ROOTFS/proc"
  mountpoint -q "$ROOTFS/sys" || mount -t sysfs sysfs "$ROOTFS/sys"
  mountpoint -q "$ROOTFS/dev" || mount --bind /dev "$ROOTFS/dev"
}
umount_virtual() { for m in dev sys proc; do mountpoint -q "$ROOTFS/$m" && umount -l "$ROOTFS/$m"; done; true; }
trap umount_virtual EXIT

# -- 1 bootstrap ------------------------------------------------------------------------
if ! step_done bootstrap; then
  log "1 bootstrap: debootstrap --foreign $SUITE $ARCH ${MIRROR:-from debootstrap defaults}"
  binfmt_ready || die "binfmt_misc has no enabled qemu-aarch64 entry: apt-get install qemu-user-static binfmt-support, then update-binfmts --enable qemu-aarch64"
  rm -rf "$ROOTFS"
  debootstrap --foreign --arch="$ARCH" --variant=minbase --components=main,non-free-firmware \
    "$SUITE" "$ROOTFS" ${MIRROR:+"$MIRROR"}
  # with the F(ix binary) binfmt flag qemu is already open; copying it in also serves kernels without F
  cp /usr/bin/qemu-aarch64-static "$ROOTFS/usr/bin/" 2>/dev/null || true
  log "1 bootstrap: second stage inside the chroot, through qemu-user"
  in_root /debootstrap/debootstrap --second-stage
  done_step bootstrap
fi

# -- 2 packages ---------------------------------------------------------------------------
if ! step_done packages; then
  log "2 packages"
  if [ -n "$MIRROR" ]; then
    printf 'deb %s %s main non-free-firmware\ndeb %s %s-updates main non-free-firmware\n' \
      "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" > "$ROOTFS/etc/apt/sources.list"
  fi
  cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
  # raspi-firmware writes cmdline.txt from these when the kernel is installed
  mkdir -p "$ROOTFS/etc/default"
  printf 'ROOTPART=LABEL=kioskroot\nCONSOLES="tty2"\nKERNEL_ARCH=arm64\n' > "$ROOTFS/etc/default/raspi-firmware"
  echo "quiet consoleblank=0 vt.global_cursor_default=0" > "$ROOTFS/etc/default/raspi-extra-cmdline"
  mount_virtual
  in_root apt-get update -q
  # mkinitramfs takes minutes under qemu and apt would run it twice (kernel, then trigger):
  # hold it off during the install and run it once after
  in_root dpkg-divert --local --rename --add /usr/sbin/update-initramfs
  ln -sf /bin/true "$ROOTFS/usr/sbin/update-initramfs"
  # our /etc/default/raspi-firmware is a conffile the package also ships: keep ours, never ask
  in_root dpkg --force-confold --force-confdef --configure -a
  # shellcheck disable=SC2086
  in_root apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef $PACKAGES
  rm -f "$ROOTFS/usr/sbin/update-initramfs"
  in_root dpkg-divert --local --rename --remove /usr/sbin/update-initramfs
  # -c, not -u: -u only remakes initrds that exist, and with the hold-off above none does yet
  in_root update-initramfs -c -k all   # raspi-firmware's hook copies kernel and initrd to /boot/firmware
  in_root apt-get clean
  umount_virtual
  done_step packages
fi

# -- 3 project ----------------------------------------------------------------------------
if ! step_done project; then
  log "3 project: this project and aarch64 wheels into /usr/local/lib/python3.11/dist-packages"
  SITE="$ROOTFS/usr/local/lib/python3.11/dist-packages"
  WHEELS="$OUT/wheels"
  # a clean site each time: pip install --target keeps what is there ("already exists"), so a
  # re-run of this step kept the previous run's kiosk code beside the new kiosk.toml
  rm -rf "$WHEELS" "$SITE" && mkdir -p "$WHEELS" "$SITE"
  export PIP_BREAK_SYSTEM_PACKAGES=1  # --target writes into the image, not into this machine
  # One snapshot of the source for the wheel and the default configuration both, so that a
  # change landing mid-build cannot give code and kiosk.toml from two commits; a fresh copy
  # also leaves no stale build/lib behind.
  SRC="$OUT/src"
  rm -rf "$SRC" && mkdir -p "$SRC"
  if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$REPO" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$SRC" -xf -
  else
    tar -C "$REPO" --exclude=./build --exclude=./.venv --exclude=./.git -cf - . | tar -C "$SRC" -xf -
  fi
  python3 -m pip wheel -q --no-deps -w "$WHEELS" "$SRC"
  # the image's Python (3.11, aarch64), not this machine's, decides which wheels fit
  target=(--only-binary=:all: --python-version 3.11 --implementation cp --platform manylinux2014_aarch64
          --platform manylinux_2_28_aarch64 --platform manylinux_2_17_aarch64)
  # shellcheck disable=SC2086
  python3 -m pip download -q --no-deps "${target[@]}" -d "$WHEELS" $PIP_PACKAGES
  # shellcheck disable=SC2086
  python3 -m pip wheel -q --no-deps -w "$WHEELS" $PIP_SOURCE_PACKAGES
  python3 -m pip install -q --no-deps --no-compile --no-index "${target[@]}" --target "$SITE" "$WHEELS"/*.whl
  rm -rf "${SITE:?}/bin"  # console scripts made for this machine's Python; the image gets its own
  for script in kiosk:kiosk.cli kiosk-sync:sync.cli kiosk-central:sync.central.cli; do
    name="${script%%:*}" module="${script#*:}"
    printf '#!/usr/bin/python3\nimport sys\nfrom %s import main\nsys.exit(main())\n' "$module" > "$ROOTFS/usr/bin/$name"
    chmod 0755 "$ROOTFS/usr/bin/$name"
  done
  install -m 0644 -D "$REPO"/systemd/kiosk-booth.service "$ROOTFS/usr/lib/systemd/system/kiosk-booth.service"
  install -m 0644 -D "$REPO"/systemd/kiosk-sync.service "$ROOTFS/usr/lib/systemd/system/kiosk-sync.service"
  install -m 0644 -D "$REPO"/systemd/sysusers.d/kiosk.conf "$ROOTFS/usr/lib/sysusers.d/kiosk.conf"
  install -m 0644 -D "$REPO"/systemd/tmpfiles.d/kiosk.conf "$ROOTFS/usr/lib/tmpfiles.d/kiosk.conf"
  install -m 0644 -D "$REPO"/systemd/udev/70-kiosk.rules "$ROOTFS/usr/lib/udev/rules.d/70-kiosk.rules"
  install -m 0644 -D "$REPO"/systemd/udev/71-kiosk-usb.rules "$ROOTFS/usr/lib/udev/rules.d/71-kiosk-usb.rules"
  install -m 0644 -D "$REPO"/systemd/image/wired.network "$ROOTFS/etc/systemd/network/20-wired.network"
  install -m 0755 -D "$REPO"/systemd/image/check-inside.sh "$ROOTFS/usr/lib/polling-kiosk/check-inside.sh"
  for doc in technician.md image.md configuration.md; do
    install -m 0644 -D "$REPO/docs/$doc" "$ROOTFS/usr/share/doc/polling-kiosk/$doc"
  done
  # default configuration: every key with its default; provisioning rewrites it for the station
  mkdir -p "$ROOTFS/etc/kiosk"
  PYTHONPATH="$SRC" python3 -c 'from kiosk.app.config import config_toml; print(config_toml(), end="")' \
    > "$ROOTFS/etc/kiosk/kiosk.toml"
  echo kiosk > "$ROOTFS/etc/hostname"
  # The technician logs in as root on tty2 only if the image was built with a password hash
  # (openssl passwd -6); the hash, never the password, passes through here.
  if [ -n "${ROOT_PASSWORD_HASH:-}" ]; then
    sed -i "s|^root:[^:]*:|root:${ROOT_PASSWORD_HASH}:|" "$ROOTFS/etc/shadow"
  fi
  printf 'LABEL=kioskroot / ext4 defaults,noatime,commit=5 0 1\nLABEL=KIOSKBOOT /boot/firmware vfat defaults,noatime 0 2\n' \
    > "$ROOTFS/etc/fstab"
  systemd-sysusers --root="$ROOTFS"
  systemd-tmpfiles --root="$ROOTFS" --create kiosk.conf
  # the booth owns tty1 and the display; networking is a client only (DHCP, NTP); no server
  systemctl --root="$ROOTFS" enable kiosk-booth.service kiosk-sync.service systemd-networkd.service \
    systemd-timesyncd.service
  systemctl --root="$ROOTFS" mask getty@tty1.service
  systemctl --root="$ROOTFS" set-default multi-user.target
  mount_virtual
  in_root python3 -m compileall -q /usr/local/lib/python3.11/dist-packages >/dev/null  # no writes at run time
  umount_virtual
  done_step project
fi

# -- 4 assemble ---------------------------------------------------------------------------
log "4 assemble: $IMAGE"
rm -f "$OUT/root.ext4" "$OUT/boot.vfat" "$IMAGE" "$IMAGE.sha256"
STAGE="$OUT/stage-boot"
rm -rf "$STAGE" && mkdir -p "$STAGE"
# the boot files go to the FAT partition; the root keeps an empty mount point
if [ -d "$ROOTFS/boot/firmware" ]; then
  cp -a "$ROOTFS/boot/firmware/." "$STAGE/"
  find "$ROOTFS/boot/firmware" -mindepth 1 -delete
fi
root_mb=$(( $(du -sm --exclude=./proc --exclude=./sys "$ROOTFS" | cut -f1) * 13 / 10 + 512 ))
mkfs.ext4 -q -L kioskroot -d "$ROOTFS" "$OUT/root.ext4" "${root_mb}M"
cp -a "$STAGE/." "$ROOTFS/boot/firmware/"  # put them back so a re-run of step 4 finds them
mkfs.vfat -n KIOSKBOOT -C "$OUT/boot.vfat" $(( BOOT_MB * 1024 )) >/dev/null
if [ -n "$(ls -A "$STAGE")" ]; then mcopy -s -i "$OUT/boot.vfat" "$STAGE"/* ::; fi
# 4 MiB of room for the partition table, then boot, then root
total_mb=$(( 4 + BOOT_MB + root_mb ))
truncate -s "${total_mb}M" "$IMAGE"
printf 'label: dos\nstart=4MiB, size=%sMiB, type=c, bootable\nstart=%sMiB, type=83\n' \
  "$BOOT_MB" "$(( 4 + BOOT_MB ))" | sfdisk -q "$IMAGE"
dd if="$OUT/boot.vfat" of="$IMAGE" bs=1M seek=4 conv=notrunc,fsync status=none
dd if="$OUT/root.ext4" of="$IMAGE" bs=1M seek=$(( 4 + BOOT_MB )) conv=notrunc,fsync status=none
rm -f "$OUT/root.ext4" "$OUT/boot.vfat"
(cd "$OUT" && sha256sum "$(basename "$IMAGE")" > "$(basename "$IMAGE").sha256")
log "done: $IMAGE ($(du -h "$IMAGE" | cut -f1)), checksum in $IMAGE.sha256"
cat "$IMAGE.sha256"
