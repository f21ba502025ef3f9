/* Fuzz target: arbitrary bytes as an amount of money. Checks that an
 * amount read is in range, that every form the formatters print reads back
 * (exactly, or within the rounding of the shortened forms), and that an
 * error carries a printable message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/money.h"
#include "kariz/status.h"
#include "kariz/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t reread(const char *s)
{
    int64_t v;
    kz_err err;
    if (kz_money_parse(s, &v, &err) != KZ_OK)
        abort();
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = kz_xstrndup((const char *)data, size); /* owned here, freed below */
    int64_t cents;
    kz_err err;
    if (kz_money_parse(s, &cents, &err) == KZ_OK) {
        if (cents < 0 || cents > KZ_MONEY_MAX)
            abort();
        char out[96];
        kz_money_plain(cents, out, sizeof out);
        if (reread(out) != cents)
            abort();
        kz_money_full(cents, "EUR", out, sizeof out);
        if (reread(out) != cents)
            abort();
        kz_money_full(cents, "\xe2\x82\xac", out, sizeof out);
        if (reread(out) != cents)
            abort();
        kz_money_compact(cents, "$", out, sizeof out);
        int64_t near = reread(out); /* about three digits: within 1%, or half a unit */
        int64_t off = near > cents ? near - cents : cents - near;
        if (off > cents / 100 + 50)
            abort();
        int64_t row[3] = {cents, cents / 3, cents > 0 ? cents - 1 : 0};
        kz_money_scale sc = kz_money_scale_for(row, 3);
        for (size_t i = 0; i < 3; i++) {
            kz_money_short(row[i], sc, NULL, out, sizeof out);
            int64_t back = reread(out);
            if (sc.decimals == sc.pow + 2 && back != row[i])
                abort();
        }
    } else {
        if (err.code != KZ_EINVAL || err.msg[0] != '"')
            abort();
        for (const char *p = err.msg; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                abort();
        if (!kz_utf8_valid(err.msg, strlen(err.msg)))
            abort();
    }
    free(s);
    return 0;
}
