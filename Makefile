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
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
LIBS := -lbpf -lelf -lz -ljson-c -lcap -lseccomp

BPF_CFLAGS := -g -O2 --target=bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(OUTPUT)/include -Ibpf/include -Ibpf/lsm -Icgroup

BPF_NAMES := $(patsubst bpf/lsm/%.bpf.c,%,$(wildcard bpf/lsm/*.bpf.c))
SKELS := $(patsubst %,$(OUTPUT)/bpf/%.skel.h,$(BPF_NAMES))

POLICY_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(wildcard policy/*.c))
AGENT_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(filter-out agent/main.c,$(wildcard agent/*.c)))
CGROUP_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(wildcard cgroup/*.c))
LIB := $(OUTPUT)/libstockade.a

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(wildcard tests/unit/test_*.c))
KERNEL_TESTS := $(patsubst tests/kernel/%.c,$(OUTPUT)/bin/stk-%,$(wildcard tests/kernel/test_*.c))

all: $(OUTPUT)/bin/stockade $(UNIT_TESTS) $(KERNEL_TESTS)

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

$(OUTPUT)/bin/stk-%: tests/kernel/%.c tests/kernel/ktest.c tests/kernel/ktest.h $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/kernel $(LDFLAGS) $< tests/kernel/ktest.c $(LIB) $(LIBS) -lcmocka -o $@

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
	$(Q)rm -rf $(OUTPUT)/bin $(OUTPUT)/obj $(OUTPUT)/bpf $(OUTPUT)/tests $(OUTPUT)/include $(LIB)
