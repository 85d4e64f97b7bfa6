#!/bin/sh
# Every command's --help usage matches the SYNOPSIS of its man page, word for
# word (as git's t0450 does), and every command has a page.
: "${PESX:?}" "${top_srcdir:?}"
command -v mandoc >/dev/null 2>&1 || { echo "mandoc not installed"; exit 77; }
status=0
tmp=${TMPDIR:-/tmp}/pesx-synopsis.$$
trap 'rm -f "$tmp".*' EXIT
commands=$("$PESX" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
[ -n "$commands" ] || { echo "pesx --help lists no commands"; exit 1; }
for cmd in $commands; do
    page=$top_srcdir/man/pesx-$cmd.1
    if [ ! -f "$page" ]; then
        echo "FAIL: pesx $cmd has no man page ($page)"; status=1; continue
    fi
    mandoc -T ascii -O width=300 "$page" | col -b |
        sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' | tr -s ' \t\n' '   ' |
        sed 's/^ *//; s/ *$//' >"$tmp.man"
    "$PESX" "$cmd" --help | sed -n '1,/^$/p' | sed '1s/^usage: //' | tr -s ' \t\n' '   ' |
        sed 's/^ *//; s/ *$//' >"$tmp.help"
    if cmp -s "$tmp.man" "$tmp.help"; then
        echo "ok: pesx $cmd"
    else
        echo "FAIL: pesx $cmd --help and man/pesx-$cmd.1 SYNOPSIS differ:"
        echo "  man:  $(cat "$tmp.man")"
        echo "  help: $(cat "$tmp.help")"
        status=1
    fi
done
exit $status
