#!/usr/bin/env bash
# cmake --install: the tree a packager gets, under a prefix and under DESTDIR.
. "$(dirname "$0")/lib.sh"

build=$(dirname "$KARIZ")
[ -f "$build/CMakeCache.txt" ] || { echo "no build tree beside $KARIZ"; exit 1; }

# expected_tree PREFIX: every file the install writes, relative to the root
expected_tree() {
    local p=$1 d=$1/share/doc/kariz
    printf '%s\n' "$p/bin/kariz" \
        "$p/share/man/man1/kariz.1" "$p/share/man/man5/kariz-rules.5" \
        "$d/README.md" "$d/rules.yaml" "$d/examples/stage-changed" \
        "$p/share/bash-completion/completions/kariz"
    for f in "$KARIZ_SOURCE"/docs/*.md; do echo "$d/$(basename "$f")"; done
    for f in "$KARIZ_SOURCE"/po/*.po; do # po/LANG.po, or its parts po/LANG-PART.po
        f=$(basename "$f" .po)
        echo "$p/share/locale/${f%%-*}/LC_MESSAGES/kariz.mo"
    done | sort -u
}

t "cmake --install --prefix"
run cmake --install "$build" --prefix "$T/usr"; expect_rc 0
(cd "$T/usr" && find . -type f -o -type l | sed 's|^\.|usr|' | sort) >"$T/got"
expected_tree usr | sort >"$T/want"
run diff "$T/want" "$T/got"; expect_rc 0
run "$T/usr/bin/kariz" --version; expect_rc 0; has_out "kariz "
[ -x "$T/usr/share/doc/kariz/examples/stage-changed" ] && ok || bad "the example hook is not executable"
cmp -s "$KARIZ_SOURCE/rules.yaml" "$T/usr/share/doc/kariz/rules.yaml" && ok || bad "rules.yaml differs"
cmp -s "$KARIZ_SOURCE/docs/kariz.1" "$T/usr/share/man/man1/kariz.1" && ok || bad "kariz.1 differs"

t "the installed binary works on its own"
run "$T/usr/bin/kariz" --db "$(new_db inst.db)" init; expect_rc 0
run "$T/usr/bin/kariz" --db "$(new_db inst.db)" add "Ava Smith" --company "Acme Inc"; expect_rc 0; expect_out 1
run "$T/usr/bin/kariz" --db "$(new_db inst.db)" list --format csv; expect_rc 0; has_out "Ava Smith"

t "DESTDIR with /usr as the prefix, as a package build does"
DESTDIR=$T/stage run cmake --install "$build" --prefix /usr; expect_rc 0
(cd "$T/stage" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$T/got"
expected_tree usr | sort >"$T/want"
run diff "$T/want" "$T/got"; expect_rc 0

finish
