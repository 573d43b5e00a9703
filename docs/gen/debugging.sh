#!/usr/bin/env bash
# Regenerates the transcripts in docs/debugging.md from real runs: gdb-multiarch against
# cloak run --gdb on guest/tests/user/debuggee.c, bare metal, as a user process, sealed, and sealed
# --debuggable. Usage: docs/gen/debugging.sh > /tmp/transcripts.md (then paste into docs/debugging.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
"$root/cloak" keygen >/dev/null
"$root/cloak" seal "$root/guest/build/tests/user/debuggee.elf" -o debuggee.sealed >/dev/null
mkdir debuggable && "$root/cloak" seal --debuggable "$root/guest/build/tests/user/debuggee.elf" -o debuggable/debuggee.sealed >/dev/null
session() {   # session TITLE SYMBOLS PROGRAM GDB-COMMANDS...
  local title="$1" symbols="$2" program="$3"; shift 3
  local args=(); for c in "$@"; do args+=(-ex "$c"); done
  "$root/cloak" run --gdb 0 "$program" >cloak.out 2>cloak.err &
  local pid=$! port=""
  for _ in $(seq 100); do port="$(grep -o '127.0.0.1:[0-9]*' cloak.err | cut -d: -f2 || true)"; [ -n "$port" ] && break; sleep 0.1; done
  echo "### $title"; echo; echo '```'
  echo "\$ cloak run --gdb 1234 ${program#$root/}"
  echo "\$ gdb-multiarch -batch -nx -ex 'set architecture riscv:rv64' -ex 'file ${symbols#$root/}' -ex 'target remote :1234' \\"
  for c in "$@"; do echo "      -ex '$c' \\"; done | sed '$ s/ \\$//'
  gdb-multiarch -batch -nx -ex 'set architecture riscv:rv64' -ex "file $symbols" -ex "target remote 127.0.0.1:$port" "${args[@]}" 2>&1 \
    | grep -v '^The target architecture is set' | sed -e "s|$root/||g" -e "s| tests/user/debuggee.c| guest/tests/user/debuggee.c|"
  wait "$pid" || true
  echo "--- cloak's stdout and stderr:"; cat cloak.out; sed "s/127.0.0.1:$port/127.0.0.1:1234/" cloak.err
  echo '```'; echo
}
steps=("info threads" "break main" "continue" "next" "next" "print counter" "print secret" "info registers pc sp" "continue")
session "A bare-metal program" "$root/guest/build/tests/bare/debuggee.elf" "$root/guest/build/tests/bare/debuggee.elf" "${steps[@]}"
session "A user process under the OS model" "$root/guest/build/tests/user/debuggee.elf" "$root/guest/build/tests/user/debuggee.elf" "${steps[@]}"
session "The same program sealed: gdb sees what the OS sees" "$root/guest/build/tests/user/debuggee.elf" debuggee.sealed \
  "info threads" "print secret" "break main" "continue" "print counter"
session "Sealed with --debuggable: gdb sees everything, and the run says so" "$root/guest/build/tests/user/debuggee.elf" debuggable/debuggee.sealed \
  "break main" "continue" "next" "next" "print counter" "print secret" "info registers pc sp" "continue"
