#!/bin/sh
# Every manual page is clean under mandoc -T lint (style warnings included).
: "${top_srcdir:?}"
command -v mandoc >/dev/null 2>&1 || { echo "mandoc not installed"; exit 77; }
status=0
for page in "$top_srcdir"/man/*.[1357]; do
    out=$(mandoc -T lint -W style "$page" 2>&1)
    if [ -n "$out" ]; then echo "$out"; status=1; else echo "ok: $page"; fi
done
exit $status
