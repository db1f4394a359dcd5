#!/bin/bash
# Check a built image's root file system from inside, through qemu-user (binfmt) in a chroot:
#
#   sudo systemd/image/check-image.sh [OUT]        (make image-check calls this; OUT: build/image)
#
# Checks the image's checksum, its partition table and the Pi's boot files on its FAT partition
# (check-boot-files.sh), then runs check-inside.sh in the root file system that build-image.sh
# left in OUT/rootfs: kiosk --version, Python imports, the kernel's initrd and its modules,
# systemd-analyze verify and security on the units, no network service enabled, the software hash.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(realpath -m "${1:-$HERE/../../build/image}")"
ROOTFS="$OUT/rootfs"
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (chroot needs it)" >&2; exit 2; }
[ -d "$ROOTFS" ] || { echo "error: no root file system in $ROOTFS: run make image first" >&2; exit 2; }

if ls "$OUT"/*.img.sha256 >/dev/null 2>&1; then
  (cd "$OUT" && sha256sum -c ./*.img.sha256)
  sfdisk -d "$OUT"/*.img | sed -n '/start=/p'
  "$HERE/check-boot-files.sh" "$OUT"/*.img
else
  echo "note: no image file yet (step 4 of build-image.sh not run); checking the root file system only"
fi

install -m 0755 "$HERE/check-inside.sh" "$ROOTFS/usr/lib/polling-kiosk/check-inside.sh"
cleanup() { for m in dev sys proc; do mountpoint -q "$ROOTFS/$m" && umount -l "$ROOTFS/$m"; done; true; }
trap cleanup EXIT
mountpoint -q "$ROOTFS/proc" || mount -t proc proc "$ROOTFS/proc"
mountpoint -q "$ROOTFS/sys" || mount -t sysfs sysfs "$ROOTFS/sys"
mountpoint -q "$ROOTFS/dev" || mount --bind /dev "$ROOTFS/dev"
echo "architecture inside: $(chroot "$ROOTFS" /usr/bin/uname -m)"
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
  SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 /usr/lib/polling-kiosk/check-inside.sh
