#!/usr/bin/env bash
# The binary finds its own message catalogues with no KARIZ_LOCALEDIR: a
# build tree's locale/ beside it, or an install tree's ../share/locale (a
# copy under any prefix), so Persian works straight after the build.
. "$(dirname "$0")/lib.sh"
unset KARIZ_LOCALEDIR
BUILD=$(dirname "$KARIZ")
[ -f "$BUILD/locale/fa/LC_MESSAGES/kariz.mo" ] || need "no catalogue in $BUILD/locale (the build makes it)"
missing="no database at $T/none.db"

t "the build tree: build/kariz reads build/locale"
run env LANGUAGE=fa "$KARIZ" --db "$T/none.db" list; expect_rc 1
has_err "پایگاه داده‌ای در $T/none.db نیست"
run env LANGUAGE=en "$KARIZ" --db "$T/none.db" list; has_err "$missing"

t "an install tree under another prefix: PREFIX/bin/kariz reads PREFIX/share/locale"
mkdir -p "$T/prefix/bin" "$T/prefix/share/locale/fa/LC_MESSAGES"
cp "$KARIZ" "$T/prefix/bin/kariz"
cp "$BUILD/locale/fa/LC_MESSAGES/kariz.mo" "$T/prefix/share/locale/fa/LC_MESSAGES/"
run env LANGUAGE=fa "$T/prefix/bin/kariz" --db "$T/none.db" list; expect_rc 1
has_err "پایگاه داده‌ای در $T/none.db نیست"

t "KARIZ_LOCALEDIR still wins: an empty directory gives English"
mkdir -p "$T/empty"
run env KARIZ_LOCALEDIR="$T/empty" LANGUAGE=fa "$KARIZ" --db "$T/none.db" list; has_err "$missing"
finish
