#!/usr/bin/env bash
# Regenerates the example files of docs/stats.md and docs/events.md from real runs:
#   hello.*           guest/user/hello sealed for a fresh chip, run under the OS model
#   hello.bus.jsonl   the same run's protected lines on the bus (--events-filter bus)
#   m1.*              cloak demo m1 --clients 1 --attack none (protocol steps, channel messages)
#   tamper.events.jsonl  cloak demo m4 --attack tamper --auth: the adversary's action and what it caused
#   swap.events.jsonl    guest/tests/user/swap_stress sealed, --auth --dram 256K: swaps and page faults
#   primes.stats.json    guest/examples/primes bare metal
# The chip identity is new on every run, so fingerprints, region ids and times differ from one
# regeneration to the next. Needs the guest programs (make -C guest). Usage: docs/examples/make-examples.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/docs/examples"
cloak="$root/cloak"
build="$root/guest/build"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$cloak" keygen -o "$work/chip" >/dev/null
"$cloak" seal "$build/user/hello.elf" --chip "$work/chip.pub" -o "$work/hello.sealed" >/dev/null
"$cloak" seal "$build/tests/user/swap_stress.elf" --chip "$work/chip.pub" -o "$work/swap_stress.sealed" >/dev/null

"$cloak" run --chip "$work/chip.key" --stats-json "$out/hello.stats.json" --events "$out/hello.events.jsonl" \
  --timeline "$out/hello.timeline.json" "$work/hello.sealed" >/dev/null
"$cloak" run --chip "$work/chip.key" --events "$out/hello.bus.jsonl" --events-filter bus "$work/hello.sealed" >/dev/null
"$cloak" run --chip "$work/chip.key" --auth --dram 256K --events "$out/swap.events.jsonl" --events-filter process,swap,fault \
  "$work/swap_stress.sealed" >/dev/null
"$cloak" demo m1 --clients 1 --attack none --stats-json "$out/m1.stats.json" --events "$out/m1.events.jsonl" \
  --timeline "$out/m1.timeline.json" >/dev/null
"$cloak" demo m4 --attack tamper --auth --events "$out/tamper.events.jsonl" --events-filter process,adversary,integrity,context >/dev/null
"$cloak" run --stats-json "$out/primes.stats.json" "$build/examples/primes.elf" >/dev/null
echo "docs/examples: regenerated"
