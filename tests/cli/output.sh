#!/bin/sh
# Output files (pesx(1) FILES): only regular files are replaced by the
# atomic rename; devices, FIFOs and "-" are written through; symbolic links
# are followed; a full device or an unwritable place is exit 1, and the
# previous file is left intact.
. "$top_srcdir/tests/cli/lib.sh"
lj13=$top_srcdir/examples/lj13/start.xyz
run() { "$PESX" opt "$lj13" -p lj -q "$@"; }

# A symbolic link stays a link; the file it points to gets the structure.
echo old >"$work/real.xyz"
ln -s real.xyz "$work/link.xyz"
expect 0 '' "output through a symbolic link" -- run -o "$work/link.xyz"
[ -L "$work/link.xyz" ] && pass "the link is still a link" || fail "the link was replaced"
grep -q '^13$' "$work/real.xyz" && pass "its target holds the structure" || fail "target not written"
# A dangling link: its target is created.
ln -s new.xyz "$work/dangling.xyz"
expect 0 '' "output through a dangling link" -- run -o "$work/dangling.xyz"
[ -L "$work/dangling.xyz" ] && grep -q '^13$' "$work/new.xyz" &&
    pass "dangling link kept, target created" || fail "dangling link replaced or target missing"

# A FIFO is written through and stays a FIFO.
mkfifo "$work/fifo"
cat "$work/fifo" >"$work/from-fifo" &
reader=$!
expect 0 '' "output into a FIFO" -- run -o "$work/fifo"
wait $reader
[ -p "$work/fifo" ] && pass "the FIFO is still a FIFO" || fail "the FIFO was replaced"
grep -q '^13$' "$work/from-fifo" && pass "the structure came through the FIFO" ||
    fail "nothing came through the FIFO"

# "-" is standard output.
run -o - >"$work/stdout" 2>/dev/null
grep -q '^Properties=species' "$work/stdout" && pass "-o - writes to stdout" || fail "-o - wrote nothing"

# Device nodes (made here, as root, so the system's own are never at risk).
if [ "$(id -u)" -eq 0 ] && mknod "$work/null" c 1 3 2>/dev/null && mknod "$work/full" c 1 7; then
    expect 0 '' "output to a null device" -- run -o "$work/null"
    [ -c "$work/null" ] && pass "the null device is still a device" || fail "the null device was replaced"
    expect 1 'full: cannot write: No space left on device' "a full device is a write error, exit 1" -- \
        run -o "$work/full"
    [ -c "$work/full" ] && pass "the full device is still a device" || fail "the full device was replaced"
else
    echo "skipped the device-node checks: they need root (mknod)"
fi

# A directory, or a directory that does not exist: exit 1, nothing left behind.
mkdir "$work/dir"
expect 1 'dir: cannot write: is a directory' "a directory as output" -- run -o "$work/dir"
expect 1 'cannot' "an output in a missing directory" -- run -o "$work/missing/x.xyz"
leftover=$(find "$work" -name '*.tmp*' | wc -l)
[ "$leftover" -eq 0 ] && pass "no temporary file left behind" || fail "$leftover temporary files left"
finish
