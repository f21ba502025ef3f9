/* Fuzz harness: the key-binding and colour configuration parser (the
 * syntax of ~/.config/kariz/keys.conf). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kz_keymaps km;
    kz_theme theme;
    memset(&km, 0, sizeof km);
    for (int i = 0; i < KZ_ROLE__COUNT; i++)
        theme.role[i] = (kz_style){KZ_COLOR_DEFAULT, KZ_COLOR_DEFAULT, 0, false};
    kz_err err;
    kz_tui_config_parse("fuzz.conf", (const char *)data, size, &km, &theme, &err);
    kz_keymaps_free(&km);
    return 0;
}
