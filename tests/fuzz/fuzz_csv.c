/* Fuzz target: the streaming CSV reader, then the header mapping and the
 * row-to-lead conversion over whatever records come out. Checks the
 * reader's promises: fields and the original text within the limits, no
 * NUL byte in a good record, line numbers that never go backwards. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* the first byte picks how much of the input is a prefix (stdin's case) */
    size_t split = data[0] % 8 == 0 ? (size - 1) / 2 : 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    FILE *f = fmemopen((void *)(text + split), len - split ? len - split : 1, "rb");
    if (!f)
        return 0;
    if (len - split == 0)
        fgetc(f); /* an empty stream */
    kz_csv *c = kz_csv_new(f, text, split);
    kz_csv_row row;
    kz_err err;
    kz_import_map map;
    bool have_map = false;
    int64_t last_line = 0;
    kz_lead lead;
    kz_lead_init(&lead);
    while (kz_csv_next(c, &row, &err) == KZ_OK) {
        if (row.line < last_line)
            abort();
        last_line = row.line;
        if (row.n > KZ_CSV_COLS_MAX)
            abort();
        if (row.raw_len > KZ_CSV_ROW_MAX || (row.raw_len && !row.raw))
            abort();
        for (size_t i = 0; i < row.n; i++) {
            if (row.len[i] > KZ_CSV_FIELD_MAX || row.v[i][row.len[i]] != '\0')
                abort();
            if (!row.bad && memchr(row.v[i], '\0', row.len[i]))
                abort();
        }
        if (row.bad)
            continue;
        if (!have_map) {
            if (kz_import_map_build((const char *const *)row.v, row.n, NULL, 0, &map, &err) !=
                KZ_OK)
                abort();
            have_map = true;
            for (size_t i = 0; i < map.n; i++)
                if (map.col[i].kind == KZ_MAP_CUSTOM && !kz_custom_name_ok(map.col[i].custom))
                    abort();
            continue;
        }
        kz_import_row_lead(&map, (const char *const *)row.v, row.n, &lead, &err);
        kz_buf key = KZ_BUF_INIT;
        kz_import_dedupe_key(&lead, &key);
        kz_buf_free(&key);
    }
    kz_lead_free(&lead);
    if (have_map)
        kz_import_map_free(&map);
    kz_csv_free(c);
    fclose(f);
    return 0;
}
