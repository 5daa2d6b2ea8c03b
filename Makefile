# SPDX-License-Identifier: GPL-2.0
#
# espgw: top-level build. 'make' builds espgw.ko (against KDIR) and the userspace
# programs; 'make check' is the whole test suite; 'make demo' shows what espgw does.
# Run 'make help' for the rest.

# Kernel to build for: KVER picks an installed kernel (default: the 6.1 one).
KVER ?= $(shell ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)
KDIR ?= /lib/modules/$(KVER)/build
# the packages pass theirs (debian/rules); a checkout says what git describes
ifeq ($(origin ESPGW_VERSION),undefined)
ESPGW_VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo 0.0-unknown)
endif

# make install: PREFIX (packages: /usr), DESTDIR for a staging root
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
DKMS_VERSION ?= $(ESPGW_VERSION)
DKMSDIR ?= /usr/src/espgw-$(DKMS_VERSION)
INSTALL ?= install

B := build
KB := $(B)/kmod-$(KVER)
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -D_GNU_SOURCE \
	  -DESPGW_VERSION='"$(ESPGW_VERSION)"' -Iuapi -Iuserspace/lib -Iuserspace/ike -Iuserspace/daemon \
	  $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
LDLIBS_NL := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null) -lssl -lcrypto -lcrypt

LIB_SRC := $(sort $(wildcard userspace/lib/*.c userspace/ike/*.c) \
	     $(filter-out userspace/daemon/main.c,$(wildcard userspace/daemon/*.c)))
LIB_OBJ := $(LIB_SRC:userspace/%.c=$(B)/obj/%.o)
TOOL_SRC := $(sort $(wildcard userspace/tool/*.c))
TOOL_OBJ := $(TOOL_SRC:userspace/%.c=$(B)/obj/%.o)
TEST_SRC := $(sort $(wildcard userspace/tests/test_*.c))
TEST_BIN := $(TEST_SRC:userspace/tests/%.c=$(B)/tests/%)

KMOD_SRC := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild uapi/linux/espgw.h

.PHONY: all module userspace tests unit fuzz regen regen-check deps check check-debug demo sparse clean help \
	install uninstall install-dkms uninstall-dkms deb
all: module userspace

help:
	@echo "make [KVER=<installed kernel>]  build espgw.ko and the userspace programs"
	@echo "make deps     install build and test dependencies (Debian 12, root)"
	@echo "make check    deps, build, unit tests, spec check, all selftests in one VM"
	@echo "make check-debug  the selftests under a KASAN + lockdep kernel (built once, ~1 h)"
	@echo "make demo     boot a VM and show espgw at work in the document's topology"
	@echo "make unit     userspace unit tests on the host"
	@echo "make sparse   module build with W=1 C=1 (sparse)"
	@echo "make fuzz     libFuzzer on the ISAKMP decoder for FUZZ_TIME seconds (default 300)"
	@echo "make regen    regenerate uapi header, kernel policies, docs from uapi/espgw.yaml"
	@echo "make install  espgwd, espgw, man pages, espgwd.service, /etc/espgw/espgwd.conf"
	@echo "              (PREFIX=$(PREFIX), DESTDIR=); 'make uninstall' removes them"
	@echo "make install-dkms  the module's source for DKMS in $(DKMSDIR)"
	@echo "make deb      the Debian packages espgw and espgw-dkms into $(B)/deb/"

# The module is built in a per-kernel copy of kmod/ so that builds for 6.1 and
# 6.12 do not trample each other's objects.
$(KB)/.copied: $(KMOD_SRC)
	$(Q)test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR) (KVER=$(KVER)); run 'make deps'"; exit 1; }
	$(Q)mkdir -p $(KB)/kmod $(KB)/uapi/linux
	$(Q)cp -p kmod/*.c kmod/*.h kmod/Kbuild $(KB)/kmod/
	$(Q)cp -p uapi/linux/espgw.h $(KB)/uapi/linux/
	$(Q)touch $@

module: $(KB)/.copied
	$(Q)$(MAKE) -C $(KDIR) M=$(abspath $(KB))/kmod ESPGW_VERSION=$(ESPGW_VERSION) \
		W=1 $(if $(filter 1,$(V)),,-s) modules
	$(Q)ln -sf kmod-$(KVER)/kmod/espgw.ko $(B)/espgw-$(KVER).ko
	@echo "built $(B)/kmod-$(KVER)/kmod/espgw.ko for $(KVER)"

sparse: $(KB)/.copied
	$(Q)touch $(KB)/kmod/*.c
	$(Q)$(MAKE) -C $(KDIR) M=$(abspath $(KB))/kmod ESPGW_VERSION=$(ESPGW_VERSION) \
		W=1 C=1 -s modules 2>&1 | tee $(KB)/sparse.log
	$(Q)! grep -E 'warning|error' $(KB)/sparse.log || { echo "sparse/W=1 not clean for $(KVER)"; exit 1; }
	@echo "W=1 + sparse clean for $(KVER)"

userspace: $(B)/bin/espgw $(B)/bin/espgwd $(B)/bin/espgw-ikeload $(B)/bin/espgw-ikeflood \
	$(B)/bin/espgw-pktinject

$(B)/obj/%.o: userspace/%.c $(wildcard userspace/*/*.h) uapi/linux/espgw.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libespgw.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/bin/espgw: $(TOOL_OBJ) $(B)/libespgw.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(B)/libespgw.a $(LDLIBS_NL)

$(B)/bin/espgwd: $(B)/obj/daemon/main.o $(B)/libespgw.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libespgw.a $(LDLIBS_NL)

# bench/ike-load's IKEv1 initiator
$(B)/bin/espgw-ikeload: $(B)/obj/bench/ikeload.o $(B)/libespgw.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libespgw.a $(LDLIBS_NL)

# bench/cost's decrypt stream sender
$(B)/bin/espgw-pktinject: $(B)/obj/bench/pktinject.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# selftests/test-flood.sh's MM1 flood
$(B)/bin/espgw-ikeflood: $(B)/obj/bench/ikeflood.o $(B)/libespgw.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libespgw.a

$(B)/tests/%: userspace/tests/%.c $(B)/libespgw.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Wno-shadow -o $@ $< $(B)/libespgw.a $(LDLIBS_NL) -lcmocka

tests: $(TEST_BIN)

# Userspace unit tests (cmocka, TAP output), summarised by scripts/tap-count.
unit: tests $(B)/bin/espgw $(B)/bin/espgwd
	$(Q)scripts/unit.sh $(TEST_BIN) scripts/test-install.sh scripts/test-cli.sh

# libFuzzer (ASan + UBSan): the ISAKMP codec, and the engine on a fake kernel and clock.
FUZZ_TIME ?= 300
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -Iuserspace/ike -Iuserspace/lib \
	-Iuserspace/daemon $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
FUZZ_ENGINE_SRC := $(wildcard userspace/ike/*.c userspace/lib/*.c) \
	$(filter-out userspace/daemon/main.c userspace/daemon/kernel.c,$(wildcard userspace/daemon/*.c))
$(B)/fuzz/fuzz_isakmp: userspace/fuzz/fuzz_isakmp.c $(wildcard userspace/ike/*.c userspace/ike/*.h)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ userspace/fuzz/fuzz_isakmp.c $(wildcard userspace/ike/*.c) \
		-lssl -lcrypto

$(B)/fuzz/fuzz_engine: userspace/fuzz/fuzz_engine.c $(FUZZ_ENGINE_SRC) $(wildcard userspace/*/*.h)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ userspace/fuzz/fuzz_engine.c $(FUZZ_ENGINE_SRC) \
		$(LDLIBS_NL)

# FUZZ_TIME seconds per target; new inputs go to build/fuzz/corpus-*, the committed seeds stay
fuzz: $(B)/fuzz/fuzz_isakmp $(B)/fuzz/fuzz_engine
	$(Q)mkdir -p $(B)/fuzz/corpus-isakmp $(B)/fuzz/corpus-engine
	$(Q)$(B)/fuzz/fuzz_isakmp -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		$(B)/fuzz/corpus-isakmp userspace/fuzz/corpus/isakmp
	$(Q)$(B)/fuzz/fuzz_engine -max_total_time=$(FUZZ_TIME) -max_len=8192 \
		$(B)/fuzz/corpus-engine userspace/fuzz/corpus/engine

regen:
	$(Q)/usr/bin/python3 uapi/gen.py

regen-check:
	$(Q)/usr/bin/python3 uapi/gen.py --check

deps:
	$(Q)scripts/deps.sh

check:
	$(Q)scripts/check.sh

check-debug:
	$(Q)scripts/check-debug.sh

demo:
	$(Q)scripts/demo.sh

MAN8 := docs/espgw.8 docs/espgwd.8
MAN5 := docs/espgwd.conf.5

$(B)/espgwd.service: dist/espgwd.service.in FORCE
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< >$@.tmp && mv $@.tmp $@

# The configuration is installed once: an admin's own file is never replaced.
# It holds the document's key: change it before starting the service.
install: $(B)/bin/espgw $(B)/bin/espgwd $(B)/espgwd.service FORCE
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 $(B)/bin/espgwd $(B)/bin/espgw $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(B)/espgwd.service $(DESTDIR)$(UNITDIR)/espgwd.service
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/espgw
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/espgw/espgwd.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/espgw/espgwd.conf"; \
	else \
		echo "$(INSTALL) -m 0600 docs/examples/cisco-14123.conf $(DESTDIR)$(SYSCONFDIR)/espgw/espgwd.conf"; \
		$(INSTALL) -m 0600 docs/examples/cisco-14123.conf $(DESTDIR)$(SYSCONFDIR)/espgw/espgwd.conf; \
	fi

# The configuration stays, like a package's conffile before a purge.
uninstall: FORCE
	rm -f $(DESTDIR)$(SBINDIR)/espgwd $(DESTDIR)$(SBINDIR)/espgw \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5))) \
		$(DESTDIR)$(UNITDIR)/espgwd.service

# What DKMS builds the module from: kmod/, the uapi header it includes, dkms.conf.
install-dkms: FORCE
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/kmod $(DESTDIR)$(DKMSDIR)/uapi/linux
	$(INSTALL) -m 0644 kmod/*.c kmod/*.h kmod/Kbuild $(DESTDIR)$(DKMSDIR)/kmod/
	$(INSTALL) -m 0644 uapi/linux/espgw.h $(DESTDIR)$(DKMSDIR)/uapi/linux/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' dist/dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMSDIR)/dkms.conf

uninstall-dkms: FORCE
	rm -rf $(DESTDIR)$(DKMSDIR)

# Both packages from a copy of the tree (what git tracks or would: no build/),
# so the checkout stays clean; the .debs land in build/deb/.
deb: FORCE
	$(Q)scripts/deb.sh

FORCE:

clean:
	rm -rf $(B)
