# sdk.mk: build your own Cloak guest programs with make (docs/sdk.md, "Building with make").
# `cloak cc` does the same from the command line; both use the flags below.
#
# In your own Makefile, anywhere on disk:
#
#   CLOAK_GUEST_DIR := /path/to/cloak/guest     # the guest/ directory of a Cloak checkout
#   include $(CLOAK_GUEST_DIR)/sdk.mk
#
#   all: owner.elf client.elf blink.bare.elf
#   owner.elf: owner.o util.o      # more objects for one program: list them
#
# Rules this file adds (your own CFLAGS, CPPFLAGS, ASFLAGS, LDFLAGS and LDLIBS are appended):
#   %.o        from %.c or %.S
#   %.elf      a user program from %.o (and any other .o you list): a process for the OS model,
#              linked with libcloak at 0x1_0000; `cloak seal` and `cloak run` take it
#   %.bare.elf a bare-metal program from %.o: M-mode at 0x8000_0000, console and exit over
#              semihosting (picolibc --oslib=semihost); end it with exit(), never by returning
#              from main (picolibc's start-up code then spins; `cloak run` stops it, exit 125)
# libcloak.a and crt0.o are built under $(CLOAK_GUEST_DIR)/build/lib on first use (make -C guest lib).
#
# Variables, all named CLOAK_* so that yours stay yours:
#   CLOAK_CROSS          toolchain prefix (riscv64-unknown-elf-)
#   CLOAK_CC             the compiler ($(CLOAK_CROSS)gcc)
#   CLOAK_ARCH_FLAGS     -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany: the rv64imac/lp64
#                        multilib of Debian's GCC 12 and picolibc (guest/README.md says why)
#   CLOAK_OPT            -O2
#   CLOAK_CFLAGS         compile flags for both kinds of program (multilib, picolibc, guest/include)
#   CLOAK_USER_LDFLAGS   link flags of a user program; the link line is
#                        $(CLOAK_CC) $(CLOAK_USER_LDFLAGS) $(CLOAK_USER_START) OBJECTS $(CLOAK_USER_LIBS) -o OUT
#   CLOAK_USER_START     crt0.o, the process entry point (first on the link line)
#   CLOAK_USER_LIBS      all of libcloak.a, ahead of picolibc (libcloak's sbrk and _exit must win)
#   CLOAK_BARE_LDFLAGS   link flags of a bare-metal program: $(CLOAK_CC) $(CLOAK_BARE_LDFLAGS) OBJECTS -o OUT
#   CLOAK_RUNTIME        the two runtime files, for prerequisites of your own link rules
# Define CLOAK_SDK_NO_RULES before the include to get the variables without the rules.

CLOAK_GUEST_DIR ?= $(abspath $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST)))))

CLOAK_CROSS      ?= riscv64-unknown-elf-
CLOAK_CC         ?= $(CLOAK_CROSS)gcc
CLOAK_ARCH_FLAGS := -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany
CLOAK_OPT        ?= -O2
CLOAK_CFLAGS      = $(CLOAK_ARCH_FLAGS) $(CLOAK_OPT) --specs=picolibc.specs -I$(CLOAK_GUEST_DIR)/include

CLOAK_LIBCLOAK     := $(CLOAK_GUEST_DIR)/build/lib/libcloak.a
CLOAK_CRT0         := $(CLOAK_GUEST_DIR)/build/lib/crt0.o
CLOAK_RUNTIME      := $(CLOAK_CRT0) $(CLOAK_LIBCLOAK)
CLOAK_USER_LDFLAGS  = $(CLOAK_ARCH_FLAGS) --specs=picolibc.specs -nostartfiles -T$(CLOAK_GUEST_DIR)/lib/user.ld
CLOAK_USER_START    = $(CLOAK_CRT0)
CLOAK_USER_LIBS     = -Wl,--whole-archive $(CLOAK_LIBCLOAK) -Wl,--no-whole-archive
CLOAK_BARE_LDFLAGS  = $(CLOAK_ARCH_FLAGS) --specs=picolibc.specs --oslib=semihost -T$(CLOAK_GUEST_DIR)/cloak.ld

ifndef CLOAK_SDK_NO_RULES
# The runtime's rules below must not become the default goal of the Makefile that includes this.
cloak_saved_default_goal := $(.DEFAULT_GOAL)

%.o: %.c
	$(CLOAK_CC) $(CLOAK_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

%.o: %.S
	$(CLOAK_CC) $(CLOAK_ARCH_FLAGS) -I$(CLOAK_GUEST_DIR)/include $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

%.bare.elf: %.o
	$(CLOAK_CC) $(CLOAK_BARE_LDFLAGS) $(LDFLAGS) $(filter %.o,$^) $(LDLIBS) -o $@

%.elf: %.o $(CLOAK_RUNTIME)
	$(CLOAK_CC) $(CLOAK_USER_LDFLAGS) $(LDFLAGS) $(CLOAK_USER_START) $(filter-out $(CLOAK_CRT0),$(filter %.o,$^)) $(CLOAK_USER_LIBS) $(LDLIBS) -o $@

# The runtime: the guest Makefile decides whether it is up to date (every run asks it), under the
# lock that `cloak cc` and the test build take too (flock, when util-linux has it), so that two
# builds of libcloak never race on the same objects.
CLOAK_LOCK := $(if $(shell command -v flock 2>/dev/null),flock $(CLOAK_GUEST_DIR)/build/.make.lock)
$(CLOAK_CRT0): $(CLOAK_LIBCLOAK)
$(CLOAK_LIBCLOAK): cloak-runtime-check
	@mkdir -p $(CLOAK_GUEST_DIR)/build
	@$(CLOAK_LOCK) $(MAKE) --no-print-directory -s -C $(CLOAK_GUEST_DIR) lib

.PHONY: cloak-runtime-check
cloak-runtime-check:

.DEFAULT_GOAL := $(cloak_saved_default_goal)
endif
