# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf: one non-recursive Makefile. Out of tree: O=DIR (default build).
# V=1 shows every command. `make help` lists the targets.

O ?= build
ifeq ($(strip $(O)),)
override O := build
endif
prefix ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
ARCH := x86

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.DEFAULT_GOAL := all

WARN := -Wall -Wextra -Wformat=2
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -D_FORTIFY_SOURCE=2 -DRTBPF_VERSION='"$(VERSION)"'
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif
# SANITIZE=address,undefined or SANITIZE=thread instruments every binary,
# tool and librtbpf (make test-san / test-tsan build so in their own O).
# A finding ends the program (no recover); fortified string functions
# would bypass the sanitizer's checks of the same calls.
ifneq ($(strip $(SANITIZE)),)
SAN_BUILD := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -U_FORTIFY_SOURCE
# gcc: TSan does not model atomic_thread_fence (see tests/tsan.sh)
SAN_BUILD += $(if $(findstring thread,$(SANITIZE)),-Wno-tsan)
endif
CFLAGS += $(SAN_BUILD)
CPPFLAGS += -I. -Iuser -Iuser/include -Ixdp/include -I$(O)/skel -I$(O)/gen -MMD -MP
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf libxdp 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libxdp libbpf 2>/dev/null || echo -lxdp -lbpf -lelf -lz)
LIBBPF_STATIC := $(shell $(PKG_CONFIG) --static --libs libxdp libbpf 2>/dev/null || echo -lxdp -lbpf -lelf -lz) -lzstd
# json-c: our commands read our own NDJSON (bench e2e reads monitor's and
# check's) with a parser, never by string search.
JSONC_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
JSONC_LIBS := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c)
JSONC_STATIC := $(shell $(PKG_CONFIG) --static --libs json-c 2>/dev/null || echo -ljson-c)
CPPFLAGS += $(JSONC_CFLAGS)
# libmicrohttpd: monitor --listen's HTTP server. Not in the static binary
# (its .a needs gnutls, which needs p11-kit and libunistring: no static
# libraries); there user/monitor/httpd.c builds with RTBPF_NO_HTTPD.
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
CPPFLAGS += $(MHD_CFLAGS)
LDLIBS += $(LIBBPF_LIBS) $(JSONC_LIBS) $(MHD_LIBS) -lm

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) -Ibpf -Wall -Werror

# BPF programs: bpf/*.bpf.c (tracing), xdp/*.bpf.c (the AF_XDP library's)
# and the bench and test tools' own (tests/tools/*.bpf.c, which may use
# xdp/'s BPF headers); one name space.
BPF_SRCS := $(wildcard bpf/*.bpf.c) $(wildcard xdp/*.bpf.c) \
	$(wildcard tests/tools/*.bpf.c)
BPF_OBJS := $(patsubst %.bpf.c,$(O)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS := $(patsubst %.bpf.c,$(O)/skel/%.skel.h,$(notdir $(BPF_SRCS)))

# Shared userspace code, used by the binary and the tests.
COMMON_SRCS := $(wildcard user/*.c)
COMMON_SRCS := $(filter-out user/main.c user/commands.c,$(COMMON_SRCS))
MONITOR_SRCS := $(wildcard user/monitor/*.c) $(wildcard user/timerlat/*.c) $(wildcard user/osnoise/*.c) $(wildcard user/tune/*.c) $(wildcard user/tune/stages/*.c) $(wildcard user/xsk/*.c) $(wildcard user/e2e/*.c)
RTBPF_SRCS := user/main.c user/commands.c $(COMMON_SRCS) $(MONITOR_SRCS)
RTBPF_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(RTBPF_SRCS))
COMMON_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(COMMON_SRCS))

# Two libraries: librtbpf, the in-process kit (user/lib: ring, fan-in,
# pool, event, dispatcher, realtime set-up; libc and pthread only), and
# librtbpf-xsk, the AF_XDP sockets (xdp/; libxdp and libbpf).
# RTBPF_LIBS lists both in link order.
LIB_SRCS := $(wildcard user/lib/*.c)
XSK_LIB_SRCS := $(filter-out %.bpf.c,$(wildcard xdp/*.c))
LIB_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRCS))
XSK_LIB_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(XSK_LIB_SRCS))
SAN_LIB_OBJS := $(patsubst %.c,$(O)/san/%.o,$(LIB_SRCS) $(XSK_LIB_SRCS))
LIBRTBPF := $(O)/lib/librtbpf.a
LIBRTBPF_XSK := $(O)/lib/librtbpf-xsk.a
RTBPF_LIBS := $(LIBRTBPF_XSK) $(LIBRTBPF)
bindir ?= $(prefix)/bin
libdir ?= $(prefix)/lib
includedir ?= $(prefix)/include
mandir ?= $(prefix)/share/man
bashcompdir ?= $(prefix)/share/bash-completion/completions
# run --mlock's preload: ../lib/ or ../lib/rtbpf/ from bindir
mlockdir ?= $(libdir)

RTBPF := $(O)/bin/rtbpf
# The test build: the same sources with the test hooks compiled in
# (user/testhook.h). Only the tests run it; install and static take $(RTBPF).
RTBPF_HOOKED := $(O)/tests/rtbpf
HOOKED_OBJS := $(patsubst %.c,$(O)/hooked/%.o,$(RTBPF_SRCS))
RTBPF_STATIC := $(O)/static/rtbpf

# Unit tests: tests/unit/test_X.c, linked with cmocka and with archives
# of the code built with sanitizers into a separate object tree: every
# module of the binary (user/ and the command folders, main.c aside) and
# the library. A test takes only the objects it calls, so it can test any
# module without a list of them here.
# commands.c (the command table, kept out of COMMON_SRCS so the tools do
# not link every command) is in the archive too.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRCS))
SAN_CLI_OBJS := $(patsubst %.c,$(O)/san/%.o,$(COMMON_SRCS) $(MONITOR_SRCS) user/commands.c)
SAN_CLI_AR := $(O)/san/lib/librtbpf-cli.a
SAN_LIB_AR := $(O)/san/lib/librtbpf.a

# Test and bench helpers (load generators): tests/tools/X.c -> $(O)/tests/X
TOOL_SRCS := $(filter-out %.bpf.c,$(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,$(O)/tests/%,$(TOOL_SRCS))

.PHONY: all run test check bench install clean help deps vmlinux static tsan \
	format lint unit tools e2e test-san test-tsan doc build-install deb

MLOCK_SO := $(O)/lib/librtbpf-mlock.so

all: $(RTBPF) $(RTBPF_LIBS) $(MLOCK_SO) tools doc

# rtbpf run --mlock preloads this into the command it starts: never
# instrumented, as no sanitizer runtime can be preloaded into a program.
$(MLOCK_SO): SAN_BUILD :=
$(MLOCK_SO): user/tune/preload/rtbpf_mlock.c
	$(call msg,CC-SO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -fPIC $< -o $@

tools: $(TOOL_BINS) $(RTBPF_HOOKED)

# $(1): the folder; $(2): the other folders its programs include from.
define bpf_rule
$(O)/bpf/%.bpf.o: $(1)/%.bpf.c $(wildcard bpf/*.h) $(wildcard $(1)/*.h $(2:%=%/*.h)) vmlinux/$(ARCH)/vmlinux.h
	$$(call msg,BPF,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(1) $(2:%=-I%) -c $$< -o $$@.tmp.o
	$(Q)$(BPFTOOL) gen object $$@ $$@.tmp.o
	$(Q)rm -f $$@.tmp.o
endef
$(eval $(call bpf_rule,bpf))
$(eval $(call bpf_rule,xdp))
$(eval $(call bpf_rule,tests/tools,xdp))

$(O)/skel/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# Every userspace object may include any skeleton.
$(O)/obj/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) -c $< -o $@

# What rtbpf --version names: the git revision (the tree's own, "-dirty"
# with uncommitted changes; a copy of the tree, as make deb builds, reads
# .rtbpf-git-rev), the libbpf and libxdp it was built against. Rewritten
# only when it changes, so a commit rebuilds main.c alone.
GIT_REV = $(shell if [ -f .rtbpf-git-rev ]; then cat .rtbpf-git-rev; \
	elif [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
	git describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null; fi)
BUILD_INFO := $(O)/gen/build_info.h
$(BUILD_INFO): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define RTBPF_GIT "%s"\n#define RTBPF_LIBBPF_BUILT "%s"\n#define RTBPF_LIBXDP_BUILT "%s"\n' \
		"$(or $(GIT_REV),unknown)" \
		"$$($(PKG_CONFIG) --modversion libbpf 2>/dev/null || echo unknown)" \
		"$$($(PKG_CONFIG) --modversion libxdp 2>/dev/null || echo unknown)" >$@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
$(O)/obj/user/main.o $(O)/hooked/user/main.o: $(BUILD_INFO)
.PHONY: FORCE
FORCE:

$(O)/san/%.o: %.c | $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

$(RTBPF): $(RTBPF_OBJS) $(RTBPF_LIBS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

$(O)/hooked/%.o: %.c | $(SKELS)
	$(call msg,CC-HOOK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) -DRTBPF_TEST_HOOKS -c $< -o $@

# Man pages and bash completion, generated from the tables rtbpf runs on
# by a build tool linked with the same objects (user/docgen/docgen.h).
DOCGEN := $(O)/gen/rtbpf-docgen
DOCGEN_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard user/docgen/*.c)) \
	$(filter-out $(O)/obj/user/main.o,$(RTBPF_OBJS))
MAN_DIR := $(O)/man
MAN_STAMP := $(MAN_DIR)/.stamp
COMPLETION := $(O)/completion/rtbpf
doc: $(MAN_STAMP) $(COMPLETION)

$(DOCGEN): $(DOCGEN_OBJS) $(RTBPF_LIBS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

$(MAN_STAMP): $(DOCGEN)
	$(call msg,GEN,$(MAN_DIR))
	$(Q)rm -rf $(MAN_DIR) && mkdir -p $(MAN_DIR)
	$(Q)$(DOCGEN) man $(MAN_DIR)
	$(Q)touch $@

$(COMPLETION): $(DOCGEN)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(DOCGEN) bash $@

$(RTBPF_HOOKED): $(HOOKED_OBJS) $(RTBPF_LIBS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

# Archives: remade when the Makefile (which names their members) changes.
$(LIBRTBPF): $(LIB_OBJS)
$(LIBRTBPF_XSK): $(XSK_LIB_OBJS)
$(SAN_CLI_AR): $(SAN_CLI_OBJS)
$(SAN_LIB_AR): $(SAN_LIB_OBJS)
$(RTBPF_LIBS) $(SAN_CLI_AR) $(SAN_LIB_AR): Makefile
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(filter %.o,$^)

# One file an operator copies to a trading host: libbpf, libelf, zlib and
# zstd linked in, and libc too, so it runs where none is installed.
static: $(RTBPF_STATIC)
STATIC_HTTPD := $(O)/static/obj/user/monitor/httpd.o
$(STATIC_HTTPD): user/monitor/httpd.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) -DRTBPF_NO_HTTPD -c $< -o $@
# run --mlock's preload inside the one file (user/tune/preload/mlock_blob.S)
STATIC_MLOCK := $(O)/static/obj/mlock_blob.o
$(STATIC_MLOCK): user/tune/preload/mlock_blob.S $(MLOCK_SO)
	$(call msg,AS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -DMLOCK_SO='"$(MLOCK_SO)"' -c $< -o $@
$(RTBPF_STATIC): $(filter-out $(O)/obj/user/monitor/httpd.o,$(RTBPF_OBJS)) $(STATIC_HTTPD) $(STATIC_MLOCK) $(RTBPF_LIBS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_STATIC) $(JSONC_STATIC) -lm -lpthread -o $@

$(O)/tests/unit/%: tests/unit/%.c $(SAN_CLI_AR) $(SAN_LIB_AR)
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) $(SAN) $(filter-out %.h,$^) -lcmocka $(LDLIBS) -lpthread -o $@

# The tuning engine and its stages (not the command files), for the
# drift exposition tool.
TUNE_ENGINE_SRCS := $(filter-out $(addprefix user/tune/,tune.c status.c run.c \
	run_mlock.c run_opts.c unit.c hold.c),$(wildcard user/tune/*.c)) \
	$(wildcard user/tune/stages/*.c)
# The drift exposition tool links the drift check and the tuning engine.
DRIFT_TOOL_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(TUNE_ENGINE_SRCS) \
	user/monitor/drift.c)
$(O)/tests/drift_prom: tests/tools/drift_prom.c $(COMMON_OBJS) \
	$(DRIFT_TOOL_OBJS) $(RTBPF_LIBS) | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) $(filter-out %.h,$^) $(LDLIBS) -lpthread -o $@

# The exporter's page builder, on synthetic snapshots (bench/exporter.sh).
$(O)/tests/prom_bench: $(patsubst %,$(O)/obj/user/%.o,prom interrupts sysinfo) \
	$(patsubst %,$(O)/obj/user/monitor/%.o,coll names sched_snap noise_snap \
	expo prom_util prom_sched prom_noise tasklist)
TOOL_OBJS := $(patsubst %,$(O)/obj/user/%.o,hist json parse samples xsk/rx_tally xsk/payload \
	cli cli_help log text)
$(O)/tests/%: tests/tools/%.c $(TOOL_OBJS) $(RTBPF_LIBS) | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(CFLAGS) $(filter-out %.h,$^) $(LIBBPF_LIBS) -lpthread -lm -o $@

deps:
	$(Q)scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(RTBPF) monitor

unit: $(UNIT_BINS)
	$(Q)RTBPF_BUILD=$(O) tests/run.sh unit

test: deps
	$(Q)$(MAKE) --no-print-directory all static $(UNIT_BINS)
	$(Q)RTBPF_BUILD=$(O) tests/run.sh all

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)RTBPF_BUILD=$(O) bench/run.sh

e2e: deps
	$(Q)$(MAKE) --no-print-directory all
	$(RTBPF) bench e2e

# libFuzzer harnesses: tests/fuzz/fuzz_X.c, linked with the production code
# built with clang -fsanitize=fuzzer,address,undefined into an archive (a
# harness pulls in only the objects it calls). `make fuzz` runs each for
# FUZZ_TIME seconds over its seed corpus (tests/fuzz/corpus/X); `make
# fuzz-smoke` for FUZZ_SMOKE_TIME (CI).
.PHONY: fuzz fuzz-build fuzz-smoke
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 5
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# clang, unlike gcc, warns on log.c's vfprintf of libbpf's format
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -Wno-format-nonliteral $(FUZZ_SAN) \
	-DRTBPF_VERSION='"$(VERSION)"'
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(O)/fuzz/fuzz_%)
FUZZ_OBJS := $(patsubst %.c,$(O)/fuzz/obj/%.o,$(COMMON_SRCS) $(MONITOR_SRCS) $(LIB_SRCS) $(XSK_LIB_SRCS))
FUZZ_LIB := $(O)/fuzz/librtbpf-fuzz.a
FUZZ_LIBS := $(LDLIBS) -lpthread

$(O)/fuzz/obj/%.o: %.c | $(SKELS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS) Makefile
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(filter %.o,$^)

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(LIBBPF_CFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer $< $(FUZZ_LIB) $(FUZZ_LIBS) -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)RTBPF_BUILD=$(O) tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_NAMES)

fuzz-smoke: fuzz-build
	$(Q)RTBPF_BUILD=$(O) tests/fuzz/run.sh $(FUZZ_SMOKE_TIME) $(FUZZ_NAMES)

FORMAT_FILES := $(shell git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^vmlinux/')
SHELL_FILES := $(shell git ls-files '*.sh' '*.bash' .ci/run 2>/dev/null)

format:
	$(Q)clang-format -i $(FORMAT_FILES)

lint:
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)
	$(Q)if command -v shellcheck >/dev/null; then shellcheck -x $(SHELL_FILES); fi

check:
	$(Q)$(MAKE) --no-print-directory WERROR=1 lint
	$(Q)$(MAKE) --no-print-directory WERROR=1 unit

# The lock-free code's unit tests again under ThreadSanitizer.
tsan:
	$(Q)RTBPF_BUILD=$(O) tests/tsan.sh

# The whole suite again, against rtbpf, its test build, the test tools
# and librtbpf built with ASan+UBSan (and gcc's float-to-integer overflow
# check, which -fsanitize=undefined leaves out) in $(O)/asan: a finding
# (a leak included) fails the test. tests/lsan.supp names the leaks of libraries
# that are not ours, and why they are suppressed.
SAN_O := $(O)/asan
SAN_KINDS := address,undefined,float-cast-overflow
SAN_LOGS := $(abspath $(SAN_O))/san-logs
SAN_ENV := RTBPF_SANITIZE=$(SAN_KINDS) RTBPF_SAN_LOGS=$(SAN_LOGS) \
	ASAN_OPTIONS=detect_leaks=1:log_path=$(SAN_LOGS)/asan \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SAN_LOGS)/ubsan
test-san: deps
	$(Q)$(MAKE) --no-print-directory O=$(SAN_O) SANITIZE=$(SAN_KINDS) \
		all $(UNIT_BINS:$(O)/%=$(SAN_O)/%)
	$(Q)$(SAN_ENV) RTBPF_BUILD=$(SAN_O) tests/run.sh all

# Every BPF and integration test against rtbpf, its test build, librtbpf
# and the xsk tools built with ThreadSanitizer in $(O)/tsan: a race fails
# the test (about 5 min on 2 CPUs, so not in CI). The load
# generators the monitor tests measure stay uninstrumented: TSan's own
# background thread adds wakeups they count exactly, and its slowdown
# moves the spikes they time.
TSAN_O := $(O)/tsan
TSAN_PLAIN := $(addprefix tests/,wakegen noisegen pipe_pingpong sched_floor)
TSAN_LOGS := $(abspath $(TSAN_O))/san-logs
TSAN_TESTS := $(patsubst tests/%.sh,%,$(wildcard tests/bpf/*.sh tests/integration/*.sh))
test-tsan: deps
	$(Q)$(MAKE) --no-print-directory O=$(TSAN_O) SANITIZE=thread all
	$(Q)$(MAKE) --no-print-directory $(addprefix $(O)/,$(TSAN_PLAIN))
	$(Q)cp $(addprefix $(O)/,$(TSAN_PLAIN)) $(TSAN_O)/tests/
	$(Q)RTBPF_SANITIZE=thread RTBPF_BUILD=$(TSAN_O) RTBPF_SAN_LOGS=$(TSAN_LOGS) \
		TSAN_OPTIONS=halt_on_error=1:exitcode=66:log_path=$(TSAN_LOGS)/tsan:suppressions=$(CURDIR)/tests/tsan.supp \
		tests/run.sh only $(TSAN_TESTS)

vmlinux:
	$(Q)scripts/gen-vmlinux.sh vmlinux/$(ARCH)/vmlinux.h

# What install installs, built (and nothing else: the package builds this).
build-install: $(RTBPF) $(RTBPF_LIBS) $(MLOCK_SO) doc

LIBRTBPF_DESC := rtbpf low-latency kit: ring, fan-in, dispatcher, buffer pool, events, realtime set-up
LIBRTBPF_XSK_DESC := rtbpf AF_XDP sockets and their XDP steering program
# A pkg-config file: $(1) name, $(2) description, $(3) Requires, $(4) Libs.
pc_lines = printf '%s\n' 'prefix=$(prefix)' 'libdir=$(libdir)' \
	'includedir=$(includedir)' '' 'Name: $(1)' 'Description: $(2)' \
	'Version: $(VERSION)' 'Requires: $(3)' 'Libs: -L$${libdir} $(4)' \
	'Cflags: -I$${includedir}'

# The libraries are static: librtbpf-xsk's users also link libxdp and
# libbpf, and librtbpf, whose <rtbpf/hist.h> its header includes
# (Requires).
install: build-install
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig \
		$(DESTDIR)$(includedir)/rtbpf $(DESTDIR)$(mandir)/man5 \
		$(DESTDIR)$(mandir)/man8 $(DESTDIR)$(bashcompdir) \
		$(DESTDIR)$(mlockdir)
	install -m 0755 $(RTBPF) $(DESTDIR)$(bindir)/rtbpf
	install -m 0644 $(MAN_DIR)/*.8 $(DESTDIR)$(mandir)/man8/
	install -m 0644 $(MAN_DIR)/*.5 $(DESTDIR)$(mandir)/man5/
	install -m 0644 $(COMPLETION) $(DESTDIR)$(bashcompdir)/rtbpf
	install -m 0644 $(RTBPF_LIBS) $(DESTDIR)$(libdir)/
	install -m 0755 $(MLOCK_SO) $(DESTDIR)$(mlockdir)/librtbpf-mlock.so
	$(call pc_lines,librtbpf,$(LIBRTBPF_DESC),,-lrtbpf -lpthread -lm) \
		>$(DESTDIR)$(libdir)/pkgconfig/librtbpf.pc
	$(call pc_lines,librtbpf-xsk,$(LIBRTBPF_XSK_DESC),librtbpf libxdp libbpf,-lrtbpf-xsk) \
		>$(DESTDIR)$(libdir)/pkgconfig/librtbpf-xsk.pc
	install -m 0644 user/include/rtbpf/*.h xdp/include/rtbpf/*.h \
		$(DESTDIR)$(includedir)/rtbpf/

# The Debian packages rtbpf and librtbpf-dev (debian/), built with
# dpkg-buildpackage from a copy of the tree, into $(O)/deb; lintian's
# report beside them (an error fails).
deb:
	$(Q)scripts/deb.sh $(O)/deb

clean:
	rm -rf $(O)

help:
	@echo 'rtbpf build targets (O=DIR builds out of tree, default build; V=1 verbose)'
	@echo '  all      build $(O)/bin/rtbpf, its BPF skeletons and test tools'
	@echo '  run      install missing packages, build, start the live monitor'
	@echo '  test     install missing packages, build, run every test'
	@echo '  check    clang-format, shellcheck and unit tests, warnings as errors'
	@echo '  tsan     the lock-free library tests under ThreadSanitizer'
	@echo '  test-san every test again against an ASan+UBSan build ($(O)/asan)'
	@echo '  test-tsan the threaded tests against a TSan build ($(O)/tsan)'
	@echo '  bench    install missing packages, build, print benchmark figures'
	@echo '  static   build $(O)/static/rtbpf, needing no shared library'
	@echo '  install  install rtbpf, librtbpf, librtbpf-xsk and their headers under $$(DESTDIR)$$(prefix) ($(prefix))'
	@echo '  deb      build the Debian packages rtbpf and librtbpf-dev into $(O)/deb'
	@echo '  doc      generate the man pages and bash completion into $(O)'
	@echo '  e2e      install missing packages, build, run the end-to-end latency matrix'
	@echo '  fuzz     run each libFuzzer harness for FUZZ_TIME s (default 60; fuzz-smoke: FUZZ_SMOKE_TIME, 5)'
	@echo '  vmlinux  regenerate vmlinux/$(ARCH)/vmlinux.h from this kernel'
	@echo '  format   clang-format the sources in place'
	@echo '  deps     install missing Debian packages, mount tracefs and bpffs'
	@echo '  clean    remove $(O)'

-include $(HOOKED_OBJS:.o=.d) $(DOCGEN_OBJS:.o=.d)
-include $(RTBPF_OBJS:.o=.d) $(SAN_CLI_OBJS:.o=.d) $(LIB_OBJS:.o=.d) \
	$(XSK_LIB_OBJS:.o=.d) $(SAN_LIB_OBJS:.o=.d)
-include $(UNIT_BINS:=.d) $(TOOL_BINS:=.d)
# every sanitizer object the unit tests link, whichever list named it
-include $(wildcard $(O)/san/user/*.d $(O)/san/user/*/*.d $(O)/san/user/*/*/*.d $(O)/san/xdp/*.d)
-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
