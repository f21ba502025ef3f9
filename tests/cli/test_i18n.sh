#!/usr/bin/env bash
# Messages in the user's language: every string a person reads is marked
# for translation, po/fa.po translates every one of them, and LANGUAGE=fa
# shows Persian messages and labels while what scripts read (JSON, CSV,
# exit codes, stage ids) stays as it is in English.
. "$(dirname "$0")/lib.sh"
CHECK="python3 $KARIZ_SOURCE/scripts/check-i18n"
command -v xgettext >/dev/null && command -v msgfmt >/dev/null ||
    need "xgettext and msgfmt are needed (apt-get install gettext, or scripts/dev deps)"
[ -f "$KARIZ_LOCALEDIR/fa/LC_MESSAGES/kariz.mo" ] ||
    need "no Persian catalogue at $KARIZ_LOCALEDIR/fa/LC_MESSAGES/kariz.mo (build the tree first)"
SRC=$KARIZ_SOURCE/src
# a fixed clock: reports say when they were made, to the second, and an
# English and a Persian run are compared
export KARIZ_NOW="2026-12-03 10:00"

t "the checker finds an unmarked message and passes a marked one"
mkdir -p "$T/c"
cat >"$T/c/shown.c" <<'EOF'
static const char *const keys[] = {"name", "stage"};
int f(kz_err *err, int n)
{
    printf("%d/%d\n", n, n);                      /* no words: passes */
    fprintf(out, "name,stage\n");                 /* a file, not a person */
    kz_err_set(err, KZ_EINVAL, _("no lead %d"), n);
    kz_err_set(err, KZ_EINVAL, "%s: %s", kz_field_name(n), n ? _("yes") : "no way");
    fputs("kariz: out of memory\n", stderr);
    return kz_err_set(err, KZ_EINVAL,
                      "unknown stage \"%s\" "
                      "(stages: %s)", "a", "b");
}
EOF
run $CHECK unmarked "$T/c/shown.c"; expect_rc 1
has_out 'shown.c:7: not marked for translation (in kz_err_set()): "no way"'
has_out 'shown.c:8: not marked for translation (in fputs()): "kariz: out of memory\n"'
has_out 'shown.c:10: not marked for translation (in kz_err_set()): "unknown stage \"%s\" (stages: %s)"'
lacks_out "no lead"; lacks_out "name,stage"; lacks_out '"%d/%d'; lacks_out ':11:'
has_out "check-i18n: 3 string shown to a person is not marked"

t "the checker finds a message the catalogue lacks, leaves empty or marks fuzzy"
cat >"$T/c/msgs.c" <<'EOF'
void g(kz_err *err) { kz_err_set(err, 1, _("one")); kz_err_set(err, 1, _("two"));
  kz_err_set(err, 1, _("three")); kz_err_set(err, 1, _("four")); }
EOF
cat >"$T/c/fa.po" <<'EOF'
msgid ""
msgstr ""
"Language: fa\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "one"
msgstr "یک"

msgid "two"
msgstr ""

#, fuzzy
msgid "three"
msgstr "سه"
EOF
run $CHECK catalogue "$T/c/fa.po" "$T/c/msgs.c"; expect_rc 1
has_out 'empty translation of "two"'; has_out 'fuzzy translation of "three"'
has_out 'no translation for "four"'; lacks_out '"one"'
t "a translation in another part of the catalogue counts"
printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "two"\nmsgstr "دو"\n' \
    >"$T/c/fa-part.po"
run $CHECK catalogue "$T/c/fa.po" "$T/c/fa-part.po" "$T/c/msgs.c"; expect_rc 1
lacks_out '"two"'; has_out 'fuzzy translation of "three"'
printf '\nmsgid "one"\nmsgstr "یک"\n' >>"$T/c/fa.po" # twice: msgfmt refuses it
run $CHECK catalogue "$T/c/fa.po" "$T/c/msgs.c"; expect_rc 1; has_out "msgfmt --check"

# The whole tree: src/cli and src/tui are marked by their own changes; each
# directory is checked on its own so that a failure names it.
for dir in src src/store src/cli src/tui; do
    t "every string shown to a person in $dir is marked"
    run $CHECK unmarked "$KARIZ_SOURCE/$dir"; expect_rc 0
done

t "the Persian catalogue translates every marked message, and msgfmt --check passes"
# po/fa.po, and the parts of it the command line and the board keep
# (po/fa-cli.po, po/fa-tui.po) where they are there
shopt -s nullglob
parts=("$KARIZ_SOURCE"/po/fa-*.po)
shopt -u nullglob
run $CHECK catalogue "$KARIZ_SOURCE"/po/fa.po "${parts[@]}" "$SRC" "$SRC/store" "$SRC/cli" "$SRC/tui"
expect_rc 0

t "an error in Persian, with the exit status of the English one"
run k init; expect_rc 0
run k show 99; en_rc=$rc; expect_rc 1; has_err "no lead with id 99"
LANGUAGE=fa run k show 99; expect_rc "$en_rc"
has_err "سرنخی با شناسهٔ 99 نیست"; lacks_out "no lead"
run k add "Ada Lovelace" --company "Analytical Engines" --value 26000; expect_rc 0
LANGUAGE=fa run k move 1 nowhere; expect_rc 1
has_err 'مرحلهٔ ناشناخته "nowhere" (مرحله‌ها: lead, prospect, opportunity, won, lost)'
LANGUAGE=fa run k set 1 value=12abc; expect_rc 1; has_err "مبلغ نیست"
LANGUAGE=fa run k followup 1 2026-02-31; expect_rc 2
has_err 'تاریخ نامفهوم "2026-02-31": 2026-02 روزهای 01 تا 28 را دارد'

t "JSON, CSV and exit codes stay the same in Persian"
run k lost 1 --reason no_budget; expect_rc 0
for args in "list --format json" "list --format csv" "show 1 --format json" \
            "report funnel --format json" "report losses --format csv"; do
    run k $args; en_out=$out; en_rc=$rc
    LANGUAGE=fa run k $args
    expect_eq "$rc" "$en_rc" "exit status of $args"
    expect_eq "$out" "$en_out" "$args in Persian"
done

t "stage, lost reason and report labels in Persian"
LANGUAGE=fa run k list; expect_rc 0
has_out "بازنده"; lacks_out " lost "
run k list; has_out " lost "
LANGUAGE=fa run k show 1; has_out "نبود بودجه"; has_out "سرنخ"
LANGUAGE=fa run k report funnel; expect_rc 0
has_out "قیف فروش، همهٔ زمان‌ها"; has_out "تبدیل میان مرحله‌ها"
run k list --format json; expect_eq "$(json 'j[0]["stage"]')" "lost"

t "a team's own Persian labels, and none where the rules give none"
cat >"$T/rules.yaml" <<'EOF'
stages:
  - {name: new, label: New, label_fa: تازه, probability: 5}
  - {name: talking, label: Talking, probability: 40}
  - {name: won, label: Won, label_fa: برده, probability: 100, kind: won}
  - {name: lost, label: Lost, probability: 0, kind: lost}
lost_reasons:
  - {name: too_dear, label: Too dear, label_fa: گران}
EOF
DB=$(new_db own.db)
run k --rules "$T/rules.yaml" init; expect_rc 0
run k --rules "$T/rules.yaml" add "Ada"; expect_rc 0
run k --rules "$T/rules.yaml" add "Bob" --stage talking; expect_rc 0
LANGUAGE=fa run k --rules "$T/rules.yaml" list; has_out "تازه"; has_out "talking"
run k --rules "$T/rules.yaml" lost 2 --reason too_dear; expect_rc 0
run k --rules "$T/rules.yaml" show 2; has_out "Too dear"
LANGUAGE=fa run k --rules "$T/rules.yaml" show 2; has_out "گران"
# the store records the rules' own labels whatever the language
expect_eq "$(dbq "SELECT group_concat(label, ',') FROM (SELECT label FROM stages ORDER BY position) s")" \
    "New,Talking,Won,Lost"

finish
