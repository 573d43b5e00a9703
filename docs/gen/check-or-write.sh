# Sourced by the docs/gen scripts: the last step they share. In check mode, compares the doc with the
# fresh output, both through the caller's normalize function (what differs on every run becomes a
# placeholder), and fails with the first 60 lines of the difference; in write mode, replaces the doc.
#   check_or_write NAME DOC OUT WHAT     NAME prefixes the messages; WHAT says what produced OUT
check_or_write() {
  local name="$1" doc="$2" out="$3" what="$4" shown
  shown="docs/$(basename "$doc")"
  if [ "$mode" = check ]; then
    if ! diff -u <(normalize < "$doc") <(normalize < "$out") > "$work/diff"; then
      echo "$name: $shown no longer shows what $what print (run docs/gen/$name.sh to regenerate it):" >&2
      head -60 "$work/diff" >&2
      exit 1
    fi
    echo "$name: $shown matches what $what print"
  else
    cp "$out" "$doc"
    echo "$name: rewrote $shown"
  fi
}
