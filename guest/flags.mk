# Toolchain and flags shared by every guest Makefile (guest/Makefile and
# guest/tests/isa/Makefile may both include this file).
#
# Why these flags (see guest/README.md for the long form):
#   -march=rv64imac -misa-spec=2.2 -mabi=lp64
#       picks the rv64imac/lp64 multilib of Debian's GCC 12 and picolibc.
#       "-march=rv64imac_zicsr_zifencei" would silently pick the lp64d
#       multilib; with -misa-spec=2.2 the assembler still accepts csr*
#       and fence.i, because Zicsr/Zifencei were part of "I" in 2.2.
#   -mcmodel=medany
#       code and data live at 0x8000_0000, above the +-2 GiB window of
#       the default medlow model.
#   --specs=picolibc.specs --oslib=semihost
#       picolibc, with its system calls (console, exit) over RISC-V
#       semihosting (slli x0,x0,0x1f ; ebreak ; srai x0,x0,7).

GUEST_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJDUMP := $(CROSS)objdump
READELF := $(CROSS)readelf

# The multilib flags are defined once, in sdk.mk, which users' own makefiles include as well.
CLOAK_SDK_NO_RULES := 1
include $(GUEST_DIR)/sdk.mk
ARCH_FLAGS := $(CLOAK_ARCH_FLAGS)
WARN_FLAGS := -Wall -Wextra -Werror
OPT_FLAGS  := -O2 -g
CFLAGS     := $(ARCH_FLAGS) $(OPT_FLAGS) $(WARN_FLAGS) --specs=picolibc.specs
ASFLAGS    := $(ARCH_FLAGS) -g
# The memory layout (flash, ram, stack size) is in cloak.ld, which includes
# picolibc's own picolibc.ld.
LINKER_SCRIPT := $(GUEST_DIR)/cloak.ld
LDFLAGS    := $(ARCH_FLAGS) --specs=picolibc.specs --oslib=semihost -T$(LINKER_SCRIPT)
LDLIBS     :=

# The reference machine. Without a chardev, the semihosting console (the
# guest's stdout *and* stderr) goes to QEMU's stderr; the guest's exit code
# becomes QEMU's exit status.
QEMU              ?= qemu-system-riscv64
QEMU_MACHINE      := -M virt -nographic -bios none
QEMU_SEMIHOSTING  := -semihosting-config enable=on,target=native
QEMU_FLAGS        := $(QEMU_MACHINE) $(QEMU_SEMIHOSTING)
