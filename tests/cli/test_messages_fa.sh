#!/usr/bin/env bash
# The command line in Persian: po/fa-cli.po translates every message of
# src/cli that a person reads, the layouts hold with the translated words,
# and what scripts read (CSV headers, JSON keys, stage ids, usage lines for
# the completion, exit statuses) stays as it is.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"
for tool in xgettext msgfmt msgcmp; do
    command -v $tool >/dev/null || need "$tool is needed (apt-get install gettext, or scripts/dev deps)"
done
PO=$KARIZ_SOURCE/po/fa-cli.po

t "the catalogue: valid, and a translation for every message marked in src/cli"
(cd "$KARIZ_SOURCE" && xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 --from-code=UTF-8 \
    -o "$T/cli.pot" src/cli/*.c src/cli/*.h)
run msgfmt --check --statistics -o "$T/fa.mo" "$PO"; expect_rc 0
case "$err" in *untranslated* | *fuzzy*) bad "fa-cli.po is incomplete: $err" ;; *) ok ;; esac
run msgcmp "$PO" "$T/cli.pot"; expect_rc 0
# fa: kariz in Persian, with the whole catalogue the build joins (the command
# line also shows messages of src/, such as "in 3d" and month names, from
# po/fa.po); en: the same, with no catalogue for the language
fa() { LANGUAGE=fa "$KARIZ" --db "$DB" "$@"; }
en() { LANGUAGE=en "$KARIZ" --db "$DB" "$@"; }

# cols TEXT: the display columns of TEXT (a zero-width non-joiner takes none)
cols() {
    python3 -c 'import sys, unicodedata as u
print(sum(0 if u.category(c) in ("Mn", "Me", "Cf") else 2 if u.east_asian_width(c) in "WF" else 1
          for c in sys.argv[1]))' "$1"
}

t "help: the program's and each command's, in Persian; option names as they are"
run fa --help; expect_rc 0
has_out "کاربرد: kariz [--db PATH|URI]"; has_out "فرمان‌ها:"
has_out "  list        فهرست سرنخ‌ها"; has_out "  --read-only     پایگاه داده را فقط‌خواندنی باز کن"
run fa list --help; expect_rc 0
has_out "کاربرد: kariz list [--stage S]"; has_out "فهرست سرنخ‌ها."; has_out "  --overdue        فقط سرنخ‌هایی"
run fa team --help; has_out "  check [DIR]             هر مشکل راه‌اندازی را گزارش می‌کند"
run fa complete --help; has_out "واژه‌هایی که تکمیل خودکار پوسته پیشنهاد می‌کند"

t "errors in Persian, with the same exit statuses"
run fa show abc; expect_rc 2; has_err 'kariz: شناسهٔ سرنخ "abc": یک عدد صحیح مثبت انتظار می‌رفت'
run fa list --sort size; expect_rc 2
has_err 'kariz list: --sort "size": score، value، age، due، name یا id انتظار می‌رفت'
has_err "کاربرد: kariz list [--stage S]"
run fa frobnicate; expect_rc 2; has_err 'kariz: فرمان ناشناخته "frobnicate" (فرمان‌ها: init demo'
run fa team; expect_rc 2; has_err "kariz team: init یا check انتظار می‌رفت"

t "confirmations and summaries in Persian"
run fa add "Mina Karimi" --company "Pars Tile" --email mina@pars.example --value 45k; expect_rc 0
run fa add "Mina K." --email MINA@pars.example; expect_rc 1
has_err "kariz add: تکراری: سرنخ 1 (Mina Karimi، Pars Tile، mina@pars.example) همین ایمیل را دارد؛ چیزی افزوده نشد"
run fa followup 1 2026-11-23 --step "call back"; expect_rc 0
# under the Persian locale the due day is a Solar Hijri one, in Persian digits
has_out "گام بعدی برای Mina Karimi (سرنخ 1): call back، سررسید دوشنبه ۲ آذر ۱۴۰۵ (۳ روز بعد)"
run fa agenda --days 1; has_out "گذشته از سررسید (۰)"; has_out "سررسید تا ۱ روز دیگر (۰)"; has_out "  هیچ"
run fa agenda; has_out "سررسید تا ۷ روز دیگر (۱)"; has_out "Mina Karimi، Pars Tile"
has_out "     ۱  "  # the id in Persian digits
run fa score --all; expect_out "امتیازها دوباره حساب شد؛ 0 سرنخ تغییر کرد"
run fa move 1; expect_rc 2; has_err "kariz move: یک ID سرنخ و یک STAGE انتظار می‌رفت"

t "a count decides the English form: one day, one lead, one problem"
run en agenda --days 1; has_out "Due in the next 1 day (0)"
run en agenda --days 2; has_out "Due in the next 2 days (0)"
run en score --all; expect_out "rescored; 0 leads changed"

t "a summary that ends in an ellipsis gets no full stop after it"
run en log --help; has_out "Log a touch: call, email, meeting..."; lacks_out "meeting...."
run en won --help; has_out "Mark a deal won."

t "the list table: a translated title wider than its column widens the column"
fa add "Reza Ahmadi" --company "Kavir Steel" --value 1.2M >/dev/null
run fa list; expect_rc 0
head=$(printf '%s\n' "$out" | sed -n 1p)
case "$head" in *"امتیاز"*) ok ;; *) bad "the SCORE title is cut: $head" ;; esac
lacks_out "…"
# every row is as wide as the title row up to the end of the VALUE column
for n in 2 3; do
    row=$(printf '%s\n' "$out" | sed -n ${n}p)
    expect_eq "$(cols "${row%%  $ME*}")" "$(cols "${head%%  مالک*}")" "row $n against the titles"
done
run en list; has_out "    ID  NAME                      COMPANY               STAGE        SCORE  GRADE"

t "show: labels padded by display columns"
fa log 1 call answered >/dev/null
run fa show 1; expect_rc 0; has_out "فعالیت‌ها:"
# a month on, lead 2 (no next step) has been idle past its stage's limit
run env KARIZ_NOW="2026-12-20 10:00" LANGUAGE=fa "$KARIZ" --db "$DB" show 2
line=$(printf '%s\n' "$out" | grep '^راکد')
has_out "بی‌کار 30 روز، حد 7"
expect_eq "$(cols "${line%%بی‌کار*}")" "15" "the stale line's value column"
expect_eq "$(cols "$(printf '%s\n' "$out" | grep '^name' | sed 's/Reza.*//')")" "15" "a field's value column"

t "rules diff: the two labels padded to the wider one"
cp "$KARIZ_SOURCE/rules.yaml" "$T/next.yaml"
run fa rules diff "$T/next.yaml"
if [ "$rc" = 0 ]; then
    a=$(printf '%s\n' "$out" | sed -n 1p); b=$(printf '%s\n' "$out" | sed -n 2p)
    expect_eq "$(cols "${a%%built-in}")" "$(cols "${b%%/*}")" "where the two rules' names start"
    has_out "چیزی نوشته نشد"
else
    bad "rules diff failed: $err"
fi

t "what scripts read stays as it is in Persian"
expect_eq "$(fa list --format csv | head -1)" "$(en list --format csv | head -1)" "CSV header"
expect_eq "$(fa export --format csv | head -1)" "$(en export --format csv | head -1)" "export header"
run fa show 1 --format json; expect_eq "$(json '",".join(sorted(j))')" "$(out=$(en show 1 --format json); json '",".join(sorted(j))')"
expect_eq "$(fa complete usage list)" "$(en complete usage list)" "usage line for the completion"
expect_eq "$(fa complete commands)" "$(en complete commands)" "command names"
run fa list --format csv; has_out ",lead,"

t "the people around a deal, the account and the stakeholder report in Persian"
run fa stakeholder add 1 "Sara Ahmadi" --role champion; expect_rc 0
has_out "ذی‌نفع 1 در Mina Karimi"
run fa stakeholder rm abc; expect_rc 2
has_err 'شناسهٔ ذی‌نفع "abc": انتظار می‌رفت عدد صحیح مثبت'
run fa stakeholder list 1; expect_rc 0; has_out "هنوز ارتباطی نبوده"
run fa account 1; expect_rc 0; has_out "آخرین ارتباط: ۲۹ آبان ۱۴۰۵ ۱۰:۰۰ توسط "; has_out "ذی‌نفعان:"
run fa report stakeholders; expect_rc 0
has_out "پوشش ذی‌نفعان"; has_out "معامله‌های بسته بر پایهٔ حامی"
has_out "معامله‌های بسته بر پایهٔ دسترسی به تصمیم‌گیرنده"; has_out "میانهٔ روزها"
has_out "معامله‌هایی که در دوره بسته شدند"
run en report stakeholders; has_out "Stakeholder coverage"; has_out "MEDIAN DAYS"
finish
