# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# stockade build. Everything goes out of tree into $(OUTPUT).
#   make            build the agent, the BPF objects and the tests
#   make demo       boot a VM with BPF LSM and show enforcement
#   make check      every test (unit, host, fuzz smoke, VM on 6.12 and 6.1)
#   make deps       install the Debian packages the build and tests need
#   make V=1        show the commands; SANITIZE=1 builds with ASan/UBSan

OUTPUT ?= build
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
CC ?= cc
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps deps-ok demo check unit-test host-test fuzz-test vm-test bench clean

INCLUDES := -I$(OUTPUT)/bpf -Ibpf/include -Ipolicy -Iagent -Icgroup
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -DSTK_VERSION='"$(VERSION)"' $(INCLUDES)
ifeq ($(SANITIZE),1)
# Undefined behaviour stops the program, as memory errors do: a report
# nobody reads would let the test pass.
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
LIBS := -lbpf -lelf -lz -ljson-c -lcap -lseccomp

BPF_CFLAGS := -g -O2 --target=bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(OUTPUT)/include -Ibpf/include -Ibpf/lsm -Icgroup

BPF_NAMES := $(patsubst bpf/lsm/%.bpf.c,%,$(wildcard bpf/lsm/*.bpf.c))
SKELS := $(patsubst %,$(OUTPUT)/bpf/%.skel.h,$(BPF_NAMES))
# cgroup/*.bpf.c: cgroup programs, skeletons named stk_cg_<name>_bpf.
CG_BPF_NAMES := $(patsubst cgroup/%.bpf.c,%,$(wildcard cgroup/*.bpf.c))
CG_BPF_OBJS := $(patsubst %,$(OUTPUT)/bpf/%.bpf.o,$(CG_BPF_NAMES))
CG_SKELS := $(patsubst %,$(OUTPUT)/bpf/%.skel.h,$(CG_BPF_NAMES))
SKELS += $(CG_SKELS)

POLICY_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(wildcard policy/*.c))
AGENT_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(filter-out agent/main.c,$(wildcard agent/*.c)))
CGROUP_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(filter-out %.bpf.c,$(wildcard cgroup/*.c)))
LIB := $(OUTPUT)/libstockade.a

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(wildcard tests/unit/test_*.c))
HOST_TESTS := $(patsubst tests/host/%.c,$(OUTPUT)/tests/host/%,$(wildcard tests/host/test_*.c))
KERNEL_TESTS := $(patsubst tests/kernel/%.c,$(OUTPUT)/bin/stk-%,$(wildcard tests/kernel/test_*.c))
BENCH_BINS := $(OUTPUT)/bin/stk-bench-floor $(OUTPUT)/bin/stk-bench-syscalls \
	$(OUTPUT)/bin/stk-bench-pipeline $(OUTPUT)/bin/stk-bench-nop $(OUTPUT)/bin/stk-bench-load \
	$(OUTPUT)/bin/stk-bench-events $(OUTPUT)/bin/stk-bench-netcost
# Small programs the kernel tests run (dynamically linked: see tests/kernel/helpers/).
KERNEL_HELPERS := $(patsubst tests/kernel/helpers/%.c,$(OUTPUT)/bin/stk-helper-%,$(wildcard tests/kernel/helpers/*.c))

all: $(OUTPUT)/bin/stockade $(UNIT_TESTS) $(KERNEL_TESTS) $(KERNEL_HELPERS) $(HOST_TESTS) \
	$(BENCH_BINS)

deps:
	$(Q)packaging/install-deps

# demo and check install what a fresh machine lacks, then go on.
deps-ok:
	$(Q)packaging/install-deps --if-missing

$(OUTPUT)/include/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/bpf/%.bpf.o: bpf/lsm/%.bpf.c $(OUTPUT)/include/vmlinux.h $(wildcard bpf/include/*.h bpf/lsm/*.h)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/bpf/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name stk_lsm_$*_bpf > $@

$(CG_BPF_OBJS): $(OUTPUT)/bpf/%.bpf.o: cgroup/%.bpf.c $(OUTPUT)/include/vmlinux.h $(wildcard bpf/include/*.h bpf/lsm/*.h cgroup/*.h)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(CG_SKELS): $(OUTPUT)/bpf/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name stk_cg_$*_bpf > $@

$(OUTPUT)/obj/%.o: %.c $(wildcard bpf/include/*.h policy/*.h agent/*.h cgroup/*.h) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(POLICY_OBJS) $(AGENT_OBJS) $(CGROUP_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/bin/stockade: $(OUTPUT)/obj/agent/main.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/tests/unit/%: tests/unit/%.c $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LIBS) -lcmocka -o $@

$(OUTPUT)/tests/host/%: tests/host/%.c $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

$(OUTPUT)/bin/stk-%: tests/kernel/%.c tests/kernel/ktest.c tests/kernel/ktest.h tests/kernel/ktest_ops.h $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/kernel $(LDFLAGS) $< tests/kernel/ktest.c $(LIB) $(LIBS) -lcmocka -o $@

$(OUTPUT)/bin/stk-helper-%: tests/kernel/helpers/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

demo: deps-ok all
	$(Q)tests/vm/run --kernel 6.12 -- sh /src/examples/demo.sh

check: deps-ok all
	$(Q)OUTPUT=$(OUTPUT) tests/check

unit-test: all
	$(Q)OUTPUT=$(OUTPUT) tests/check unit
host-test: all
	$(Q)OUTPUT=$(OUTPUT) tests/check host
fuzz-test: all
	$(Q)OUTPUT=$(OUTPUT) tests/check fuzz
vm-test: all
	$(Q)OUTPUT=$(OUTPUT) tests/check vm

clean:
	$(Q)rm -rf $(OUTPUT)/bin $(OUTPUT)/obj $(OUTPUT)/bpf $(OUTPUT)/bench-bpf $(OUTPUT)/tests \
		$(OUTPUT)/include $(LIB)

# Benchmarks (not part of check; tests/check runs a smoke pass of them).

$(OUTPUT)/bench-bpf/%.bpf.o: bench/%.bpf.c $(OUTPUT)/include/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/bench-bpf/%.skel.h: $(OUTPUT)/bench-bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name stk_bench_$*_bpf > $@

$(OUTPUT)/bin/stk-bench-floor: bench/floor.c $(OUTPUT)/bench-bpf/floor.skel.h $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(OUTPUT)/bench-bpf $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

$(OUTPUT)/bin/stk-bench-syscalls: bench/syscalls.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

# The small static binary whose execve the benchmarks time. Never
# sanitized (SANITIZE=1): the sanitizers cannot link statically, and it does
# nothing to check.
$(OUTPUT)/bin/stk-bench-nop: bench/nop.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -fsanitize=% -fno-omit-frame-pointer,$(CFLAGS)) -static $< -o $@

$(OUTPUT)/bin/stk-bench-load: bench/load.c $(LIB) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

$(OUTPUT)/bin/stk-bench-events: bench/events.c $(LIB) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

$(OUTPUT)/bin/stk-bench-netcost: bench/netcost.c $(OUTPUT)/bench-bpf/floor.skel.h $(LIB) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(OUTPUT)/bench-bpf $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

$(OUTPUT)/bin/stk-bench-pipeline: bench/pipeline.c $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LIBS) -o $@

bench: deps-ok all $(BENCH_BINS)
	$(Q)OUTPUT=$(OUTPUT) bench/run

# Debian package (packaging/debian/) into $(OUTPUT)/deb/, built from a copy
# of the tree; packaging-test builds it, installs it in a Debian 12 chroot and
# checks the unit and the Kubernetes manifests (also part of the host suite).
DEB_SRC := $(OUTPUT)/deb/stockade-$(VERSION)
.PHONY: deb packaging-test
deb:
	$(call msg,DEB,$(OUTPUT)/deb)
	$(Q)rm -rf $(DEB_SRC) && mkdir -p $(DEB_SRC)
	$(Q)tar -c --exclude=./build --exclude=./$(OUTPUT) --exclude=./.git . | tar -x -C $(DEB_SRC)
	$(Q)cp -r packaging/debian $(DEB_SRC)/debian
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
packaging-test:
	$(Q)OUTPUT=$(OUTPUT) bash tests/host/test_packaging.sh
