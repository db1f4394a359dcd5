# The two commands of the README: `make demo` and `make test`. Both do all the set-up on a
# fresh Debian machine: system packages (as root, or through sudo), a virtual environment,
# the Python packages. Re-running them only redoes what changed.
VENV ?= .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := python3-venv libsodium23 libzbar0 fonts-nanum socat espeak-ng sox poppler-utils postgresql chromium
STAMP := $(VENV)/.installed
# pabutools (GPL-3.0-or-later) lives in its own environment, never in $(VENV): the tests run it in a
# child process to recompute the published selection from its .pb files (README, "Dependencies").
# --no-deps: its declared gurobipy (a proprietary solver) is not needed by the greedy rule.
PB_VENV ?= .venv-pb
PB_STAMP := $(PB_VENV)/.installed
PB_PACKAGES := pabutools==1.2.3 numpy gmpy2 natsort pulp

.PHONY: demo test system clean bench image image-check image-boot

demo: $(STAMP)
	$(VENV)/bin/kiosk demo

test: $(STAMP) $(PB_STAMP)
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

$(STAMP): setup.cfg pyproject.toml | system
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(PB_STAMP): Makefile | system
	test -x $(PB_VENV)/bin/python || python3 -m venv $(PB_VENV)
	$(PB_VENV)/bin/python -m pip install -q --no-deps $(PB_PACKAGES)
	touch $@

# The kiosk's flashable image (Debian bookworm arm64, Raspberry Pi): minutes, root, binfmt.
# Not part of `make test`; see docs/image.md. ROOT_PASSWORD_HASH (openssl passwd -6) lets a
# technician log in on tty2; MIRROR overrides the Debian mirror this machine's apt uses.
IMAGE_PACKAGES := debootstrap qemu-user-static binfmt-support dosfstools mtools fdisk e2fsprogs python3-pip
IMAGE_OUT ?= build/image

image:
	$(MAKE) system SYSTEM_PACKAGES="$(IMAGE_PACKAGES)"
	$(if $(filter 0,$(shell id -u)),,sudo) env ROOT_PASSWORD_HASH='$(value ROOT_PASSWORD_HASH)' \
	  MIRROR='$(value MIRROR)' systemd/image/build-image.sh $(IMAGE_OUT)

image-check:
	$(if $(filter 0,$(shell id -u)),,sudo) systemd/image/check-image.sh $(IMAGE_OUT)

# Boot the built image under qemu-system-aarch64 -M virt and check the booth (no root; a bench
# with its own time limit, not part of `make test`; see docs/image.md, "The emulated boot").
BOOT_TIMEOUT ?= 1500
image-boot: $(STAMP)
	$(MAKE) system SYSTEM_PACKAGES="qemu-system-arm e2fsprogs"
	$(PY) systemd/image/boot_image.py $(IMAGE_OUT) --timeout $(BOOT_TIMEOUT)

bench: $(STAMP)
	$(PY) bench/mint_bench.py
	$(PY) bench/store_bench.py

clean:
	rm -rf $(VENV) $(PB_VENV) build *.egg-info
