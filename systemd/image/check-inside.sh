#!/bin/sh
# Run inside the kiosk's root file system (chroot, through qemu-user on another architecture):
# the software starts, its units verify cleanly, and no network service is enabled.
# Prints one line per check; exits 1 on the first failure.
set -u
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

version=$(kiosk --version) || fail "kiosk --version"
ok "$version"
kiosk-sync --version >/dev/null || fail "kiosk-sync --version"
PYGAME_HIDE_SUPPORT_PROMPT=1 python3 -c 'import pygame, cv2, nacl, serial, zxingcpp, segno, sqlite_utils; from pyzbar import pyzbar' \
  2>/tmp/imports.err || fail "imports: $(cat /tmp/imports.err)"
ok "python imports (pygame, cv2, nacl, serial, zxingcpp, segno, sqlite_utils, pyzbar)"
python3 -c 'import pygame, sys; sys.exit(0 if pygame.get_sdl_version() >= (2, 0, 0) else 1)' || fail "SDL 2"
ok "SDL $(python3 -c 'import pygame; print(".".join(map(str, pygame.get_sdl_version())))')"
grep -q KMSDRM "$(python3 -c 'import ctypes.util; print("/usr/lib/" + __import__("sysconfig").get_config_var("MULTIARCH") + "/" + ctypes.util.find_library("SDL2-2.0"))')" \
  || fail "SDL without its KMS/DRM video driver"
ok "SDL has its KMS/DRM video driver"

# the newest kernel has an initrd that can find the root: on the Pi's SD card, under qemu's virtio
kver=$(linux-version list | linux-version sort --reverse | head -n1)
[ -n "$kver" ] || fail "no kernel installed"
[ -s "/boot/initrd.img-$kver" ] || fail "no /boot/initrd.img-$kver: update-initramfs -c -k all"
mods=$(lsinitramfs "/boot/initrd.img-$kver") || fail "lsinitramfs /boot/initrd.img-$kver"
# each driver either built into the kernel (=y in its config) or a module in the initrd
for pair in ext4:EXT4_FS mmc_block:MMC_BLOCK sdhci-iproc:MMC_SDHCI_IPROC virtio_blk:VIRTIO_BLK; do
  m=${pair%%:*} option=${pair#*:}
  grep -qx "CONFIG_$option=y" "/boot/config-$kver" && continue
  grep -q "/$m\.ko" <<<"$mods" || fail "kernel $kver has no $m: not built in, not in its initrd"
done
ok "kernel $kver and its initrd find the root: ext4, mmc_block, sdhci-iproc, virtio_blk (built in or in the initrd)"

for unit in kiosk-booth.service kiosk-sync.service; do
  err=$(systemd-analyze verify --man=no "/usr/lib/systemd/system/$unit" 2>&1) || fail "verify $unit: $err"
  [ -z "$err" ] || fail "verify $unit: $err"
  ok "systemd-analyze verify $unit: nothing to say"
  systemd-analyze security --offline=true --no-pager "/usr/lib/systemd/system/$unit" 2>/dev/null \
    | grep 'Overall exposure' | sed 's/^→ /ok: /'
  systemctl is-enabled "$unit" >/dev/null 2>&1 || fail "$unit is not enabled"
done

# The booth forbids writable-executable memory (MemoryDenyWriteExecute=yes). Mesa's software
# rasteriser, which SDL's KMS/DRM driver gets wherever no GPU driver takes the display, is
# llvmpipe by default: a JIT, which dies with SIGSEGV under that setting (the emulated boot never
# reached READY). If this image's Mesa has llvmpipe (linked to libLLVM), the unit must pick softpipe.
booth=/usr/lib/systemd/system/kiosk-booth.service
swrast=$(ls /usr/lib/*/dri/kms_swrast_dri.so 2>/dev/null | head -n1)
if grep -qx 'MemoryDenyWriteExecute=yes' "$booth" && [ -n "$swrast" ] && ldd "$swrast" | grep -q libLLVM; then
  grep -Eq '^Environment=(.* )?GALLIUM_DRIVER=softpipe( |$)' "$booth" \
    || fail "the booth forbids W^X memory but Mesa's software driver here is llvmpipe (a JIT): set Environment=GALLIUM_DRIVER=softpipe in $booth"
  ok "the booth keeps MemoryDenyWriteExecute=yes and picks Mesa's softpipe (no JIT) over llvmpipe"
else
  ok "the booth's W^X setting and Mesa's software driver agree (no llvmpipe, or W^X allowed)"
fi

# nothing enabled pulls in network-online.target: its wait-online fails on a kiosk without a cable
wanting=$(cd /etc/systemd/system && grep -ls '^Wants=.*network-online.target' \
  $(for u in multi-user.target.wants/*; do readlink -f "$u"; done) 2>/dev/null)
[ -z "$wanting" ] || fail "enabled units pull in network-online.target (wait-online fails offline): $wanting"
ok "no enabled unit waits for network-online.target"

for unit in ssh.service sshd.service telnet.socket avahi-daemon.service cups.service exim4.service \
            rpcbind.service apache2.service nginx.service; do
  if systemctl is-enabled "$unit" >/dev/null 2>&1; then fail "network service $unit is enabled"; fi
done
ok "no network service enabled (ssh, avahi, cups, mail, rpc, web)"
[ "$(systemctl is-enabled getty@tty1.service 2>/dev/null)" = masked ] || fail "getty@tty1 is not masked"
ok "getty@tty1 masked: the booth owns the first screen"
{ id kiosk && id kiosk-sync; } >/dev/null || fail "service users"
ok "users kiosk and kiosk-sync"
[ "$(stat -c '%U:%G %a' /var/lib/kiosk)" = "kiosk:kiosk 750" ] || fail "/var/lib/kiosk is $(stat -c '%U:%G %a' /var/lib/kiosk)"
ok "/var/lib/kiosk: kiosk:kiosk 750, empty for provisioning"
err=$(python3 -c 'from kiosk.app.config import load_config; load_config("/etc/kiosk/kiosk.toml")' 2>&1) \
  || fail "the installed kiosk refuses /etc/kiosk/kiosk.toml (code and configuration from two commits?): $err"
ok "the installed kiosk accepts /etc/kiosk/kiosk.toml"
runuser -u kiosk -- kiosk --version >/dev/null || fail "the kiosk user cannot run kiosk"
ok "the kiosk user runs kiosk"
hash=$(python3 -c 'from kiosk.station.attest import attest_installed; print(attest_installed("/etc/kiosk/kiosk.toml").software_hash_hex)') \
  || fail "software hash"
ok "software hash $hash"
