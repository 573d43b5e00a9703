#!/usr/bin/env bash
# Regenerates the output shown in docs/tour.md: every "<!-- run: COMMAND -->" line there is followed
# by a ```text block, which this script fills with "$ COMMAND" and what COMMAND prints (stdout and
# stderr) when run now, in a scratch directory where ./cloak, guest/ and docs/ are the repository's.
#   docs/gen/tour.sh           rewrite docs/tour.md
#   docs/gen/tour.sh --check   run everything and fail if docs/tour.md shows anything else (the test
#                              suite does this); chip identities, keys, ciphertext and timings differ
#                              on every run, so numbers, long hex strings and hexdump rows are
#                              compared as placeholders, everything else word for word
# CLOAK, if set, is the command that runs cloak (default: the repository's ./cloak).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
doc="$root/docs/tour.md"
mode=write
[ "${1:-}" = "--check" ] && mode=check
command -v jq >/dev/null || { echo "tour: jq is missing: install the Debian package jq (./setup --deps)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '#!/usr/bin/env bash\nexec %s "$@"\n' "${CLOAK:-$root/cloak}" > "$work/cloak"
chmod +x "$work/cloak"
ln -s "$root/guest" "$work/guest"
ln -s "$root/docs" "$work/docs"

out="$work/tour.md"
: > "$out"
pending=""
skipping=0
while IFS= read -r line || [ -n "$line" ]; do
  if [ "$skipping" = 1 ]; then
    [ "$line" = '```' ] || continue
    skipping=0
  fi
  printf '%s\n' "$line" >> "$out"
  if [[ "$line" =~ ^'<!-- run: '(.*)' -->'$ ]]; then
    pending="${BASH_REMATCH[1]}"
  elif [ -n "$pending" ] && [ "$line" = '```text' ]; then
    printf '$ %s\n' "$pending" >> "$out"
    # The ./cloak launcher's "building the CLI" lines (and its one note on falling back to the plain
    # build) belong to this checkout, not to the tour.
    if ! (cd "$work" && bash -o pipefail -c "$pending") 2>&1 | sed -e '/^cloak: building the CLI/d' -e '/^cloak: .*using the plain Release build/d' >> "$out"; then
      echo "tour: '$pending' failed:" >&2
      tail -5 "$out" >&2
      exit 1
    fi
    pending=""
    skipping=1
  fi
done < "$doc"

# What differs from run to run: hexdump rows, the demo's byte views, long hex strings, numbers (a
# number of six digits or more reads as a hex string, so both become N), and the padding around them.
normalize() {
  sed -E -e 's/^( *)\+[0-9a-f]{2,3} .*/\1<hexdump row>/' \
         -e 's/(reads|sees) at (0x[0-9a-f]+): .*/\1 at \2: <bytes>/' \
         -e 's/[0-9a-f]{6,}/N/g' \
         -e 's/[0-9]+/N/g' \
         -e 's/  +/ /g'
}

# shellcheck source=docs/gen/check-or-write.sh
source "$root/docs/gen/check-or-write.sh"
check_or_write tour "$doc" "$out" "the commands"
