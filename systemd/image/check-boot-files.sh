#!/bin/bash
# Check the boot files on a built image's FAT partition, the ones a Raspberry Pi's firmware reads:
#
#   systemd/image/check-boot-files.sh IMAGE        (check-image.sh calls this; needs mtools, sfdisk)
#
# raspi-firmware's kernel hook fills the partition only when it finds both /boot/vmlinuz-* and
# /boot/initrd.img-*; without an initrd it copies nothing and writes no config.txt, and the Pi
# does not boot. So: the firmware, the device tree, config.txt naming a kernel and an initramfs
# that are there and not empty, and cmdline.txt with the root the image's fstab mounts.
# Prints one line per check; exits 1 on the first failure.
set -uo pipefail
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
IMAGE="${1:?usage: check-boot-files.sh IMAGE}"
[ -f "$IMAGE" ] || fail "no image $IMAGE"
for tool in sfdisk mdir mtype; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install fdisk mtools"
done

start=$(sfdisk -d "$IMAGE" 2>/dev/null | sed -n 's/.*1 : start= *\([0-9]*\),.*/\1/p' | head -n1)
[ -n "$start" ] || fail "no first partition in $IMAGE's partition table"
fat="$IMAGE@@$(( start * 512 ))"
export MTOOLS_SKIP_CHECK=1
names=$(mdir -b -i "$fat" :: 2>/dev/null | sed 's|^::/||') || fail "the first partition is not a FAT file system"
# a here-string, not a pipe: with pipefail, grep -q leaving early can SIGPIPE the writer and turn a
# name that is there into "not on the boot partition" (seen under load in the test suite)
has() { grep -qx -- "$1" <<<"$names"; }

for f in start4.elf fixup4.dat bootcode.bin bcm2711-rpi-4-b.dtb bcm2837-rpi-3-b.dtb config.txt cmdline.txt; do
  has "$f" || fail "$f is not on the boot partition (raspi-firmware's hook did not run to the end)"
done
ok "firmware, device trees, config.txt and cmdline.txt on the boot partition"

config=$(mtype -i "$fat" ::config.txt | tr -d '\r')
kernel=$(printf '%s\n' "$config" | sed -n 's/^kernel=//p' | tail -n1)
initrd=$(printf '%s\n' "$config" | sed -n 's/^initramfs \([^ ]*\).*/\1/p' | tail -n1)
[ -n "$kernel" ] || fail "config.txt names no kernel="
[ -n "$initrd" ] || fail "config.txt names no initramfs: the Pi would boot without one and find no root"
for f in "$kernel" "$initrd"; do
  has "$f" || fail "config.txt names $f, which is not on the boot partition"
  bytes=$(mtype -i "$fat" "::$f" | head -c 4096 | wc -c)
  [ "$bytes" -gt 0 ] || fail "$f on the boot partition is empty"
done
ok "config.txt: kernel=$kernel, initramfs $initrd, both there and not empty"

cmdline=$(mtype -i "$fat" ::cmdline.txt | tr -d '\r')
case " $cmdline " in
  *" root=LABEL=kioskroot "*) ok "cmdline.txt: root=LABEL=kioskroot ($cmdline)" ;;
  *) fail "cmdline.txt has no root=LABEL=kioskroot: $cmdline" ;;
esac
