#!/bin/sh
# ABI check: every constant, handle, size and offset of MPICH's installed mpi.h
# must have the same value in Tern's include/mpi.h (abi_values.c prints them).
# Skipped (exit 77) when MPICH's development header is not installed.
srcdir=${srcdir:-$(dirname "$0")/../..}
mpich_inc=$(pkg-config --cflags-only-I mpich 2>/dev/null)
[ -n "$mpich_inc" ] || [ -f /usr/include/x86_64-linux-gnu/mpich/mpi.h ] || exit 77
[ -n "$mpich_inc" ] || mpich_inc=-I/usr/include/x86_64-linux-gnu/mpich
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
$cc -DMPICH_SKIP_MPICXX $mpich_inc -o "$tmp/mpich" "$srcdir/tests/unit/abi_values.c" || exit 1
$cc -I"$srcdir/include" -o "$tmp/tern" "$srcdir/tests/unit/abi_values.c" || exit 1
"$tmp/mpich" | sort >"$tmp/a"
"$tmp/tern" | sort >"$tmp/b"
diff=$(comm -23 "$tmp/a" "$tmp/b")
if [ -n "$diff" ]; then
    echo "values that differ from MPICH's mpi.h:"
    echo "$diff"
    exit 1
fi
echo "ABI: $(wc -l <"$tmp/a") MPICH values match"
