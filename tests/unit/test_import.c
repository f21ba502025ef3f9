/* Unit tests: the streaming CSV reader, header auto-mapping, row to lead,
 * duplicate keys and intake lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kariz/dates.h"
#include "kariz/import.h"
#include "kariz/rules.h"

/* Reads every record of `text` (len bytes); rows[i] is "a|b|c" or
 * "BAD:<reason>", lines[i] the starting line. Caller frees rows. */
typedef struct parsed {
    char *rows[64];
    int64_t lines[64];
    size_t n;
} parsed;

static void parse_all(const char *text, size_t len, parsed *p)
{
    memset(p, 0, sizeof *p);
    FILE *f = fmemopen((void *)text, len, "rb");
    assert_non_null(f);
    kz_csv *c = kz_csv_new(f, NULL, 0);
    kz_csv_row row;
    kz_err err;
    kz_status ks;
    while ((ks = kz_csv_next(c, &row, &err)) == KZ_OK) {
        assert_true(p->n < 64);
        kz_buf b = KZ_BUF_INIT;
        if (row.bad) {
            kz_buf_printf(&b, "BAD:%s", row.reason);
        } else {
            for (size_t i = 0; i < row.n; i++) {
                if (i)
                    kz_buf_putc(&b, '|');
                kz_buf_append(&b, row.v[i], row.len[i]);
            }
        }
        p->lines[p->n] = row.line;
        p->rows[p->n++] = kz_buf_take(&b);
    }
    assert_int_equal(ks, KZ_ENOTFOUND);
    kz_csv_free(c);
    fclose(f);
}

static void parsed_free(parsed *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->rows[i]);
}

#define PARSE(s, p) parse_all(s, sizeof(s) - 1, p)

static void test_csv_basic(void **state)
{
    (void)state;
    parsed p;
    PARSE("a,b,c\n1,2,3\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.rows[0], "a|b|c");
    assert_string_equal(p.rows[1], "1|2|3");
    assert_int_equal(p.lines[1], 2);
    parsed_free(&p);
}

static void test_csv_quotes_crlf_bom(void **state)
{
    (void)state;
    parsed p;
    PARSE("\xef\xbb\xbfname,note\r\n\"Smith, Jones\",\"say \"\"hi\"\"\"\r\n"
          "\"multi\r\nline\",x\n  spaced  ,\"\"\r\nlast,row",
          &p);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.rows[0], "name|note");
    assert_string_equal(p.rows[1], "Smith, Jones|say \"hi\"");
    assert_string_equal(p.rows[2], "multi\r\nline|x");
    assert_int_equal(p.lines[2], 3);
    assert_string_equal(p.rows[3], "  spaced  |"); /* blanks kept exactly */
    assert_int_equal(p.lines[3], 5);
    assert_string_equal(p.rows[4], "last|row"); /* no final line break */
    assert_int_equal(p.lines[4], 6);
    parsed_free(&p);
}

static void test_csv_blank_lines(void **state)
{
    (void)state;
    parsed p;
    PARSE("h1,h2\n\n\r\n,\n1,2\n\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.rows[1], "1|2");
    assert_int_equal(p.lines[1], 5);
    parsed_free(&p);
}

static void test_csv_unterminated_quote(void **state)
{
    (void)state;
    parsed p;
    PARSE("a,b\n1,\"open\n2,3\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.rows[0], "a|b");
    assert_non_null(strstr(p.rows[1], "BAD:line 2: quoted field not closed"));
    parsed_free(&p);
}

static void test_csv_stray_quote_recovers(void **state)
{
    (void)state;
    parsed p;
    PARSE("a,b\n1,2\n\"q\"junk,3\n4,5\n", &p);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.rows[1], "1|2");
    assert_string_equal(p.rows[2],
                        "BAD:line 3, column 1: malformed CSV (text after a closing quote; a "
                        "quote inside a quoted field is written twice: \"\")");
    assert_string_equal(p.rows[3], "4|5");
    assert_int_equal(p.lines[3], 4);
    parsed_free(&p);
}

/* A quote inside an unquoted field is a literal quote, as spreadsheet
 * programs read it. */
static void test_csv_quote_inside_unquoted_field(void **state)
{
    (void)state;
    parsed p;
    PARSE("name,height,note\nAda,5'11\",x\"y\"z\nBob \"the builder\",6,\"\"\n\"q\",a\"\n", &p);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.rows[1], "Ada|5'11\"|x\"y\"z");
    assert_string_equal(p.rows[2], "Bob \"the builder\"|6|");
    assert_string_equal(p.rows[3], "q|a\"");
    parsed_free(&p);
}

/* CR-only line ends (old Mac, some spreadsheet exports): CR ends a record. */
static void test_csv_cr_only_lines(void **state)
{
    (void)state;
    parsed p;
    PARSE("name,note\rAda,\"two\rlines\"\r\rBob,b\nc\rCy,x", &p);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.rows[0], "name|note");
    assert_string_equal(p.rows[1], "Ada|two\rlines");
    assert_int_equal(p.lines[1], 2);
    assert_string_equal(p.rows[2], "Bob|b\nc"); /* an LF is an ordinary byte here */
    assert_int_equal(p.lines[2], 5);
    assert_string_equal(p.rows[3], "Cy|x");
    parsed_free(&p);
    /* CRLF files are not taken for CR-only ones */
    PARSE("a,b\r\n1,2\r\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.rows[1], "1|2");
    parsed_free(&p);
}

/* The original bytes of each record, without its line break. */
static void test_csv_raw_text(void **state)
{
    (void)state;
    static const char text[] = "a,b\r\n\"x\"junk,1\r\n2,\"open\nstill\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    kz_csv *c = kz_csv_new(f, NULL, 0);
    kz_csv_row row;
    kz_err err;
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
    assert_int_equal(row.raw_len, 3);
    assert_memory_equal(row.raw, "a,b", 3);
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
    assert_true(row.bad);
    assert_int_equal(row.raw_len, 9);
    assert_memory_equal(row.raw, "\"x\"junk,1", 9);
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
    assert_true(row.bad);
    assert_int_equal(row.raw_len, 13);
    assert_memory_equal(row.raw, "2,\"open\nstill", 13);
    assert_false(row.raw_cut);
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_ENOTFOUND);
    kz_csv_free(c);
    fclose(f);
}

static void test_csv_nul_byte(void **state)
{
    (void)state;
    parsed p;
    static const char text[] = "a,b,c\n1,x\0y,3\n4,5,6\n";
    parse_all(text, sizeof text - 1, &p);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.rows[1], "BAD:line 2, column 2: NUL byte in the field");
    assert_string_equal(p.rows[2], "4|5|6");
    parsed_free(&p);
}

static void test_csv_field_cap(void **state)
{
    (void)state;
    /* exactly the limit is read, quoted or not */
    for (int quoted = 0; quoted < 2; quoted++) {
        size_t lim = KZ_CSV_FIELD_MAX;
        char *t = malloc(lim + 64);
        size_t k = (size_t)sprintf(t, "a,b\n1,%s", quoted ? "\"" : "");
        memset(t + k, 'z', lim);
        k += lim;
        k += (size_t)sprintf(t + k, "%s\n2,3\n", quoted ? "\"" : "");
        FILE *f = fmemopen(t, k, "rb");
        kz_csv *c = kz_csv_new(f, NULL, 0);
        kz_csv_row row;
        kz_err err;
        assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
        assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
        assert_false(row.bad);
        assert_int_equal(row.len[1], lim);
        assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
        assert_string_equal(row.v[0], "2");
        kz_csv_free(c);
        fclose(f);
        /* one byte over: an error naming line and column */
        k = (size_t)sprintf(t, "a,b\n1,%s", quoted ? "\"" : "");
        memset(t + k, 'z', lim + 1);
        k += lim + 1;
        k += (size_t)sprintf(t + k, "%s\n2,3\n", quoted ? "\"" : "");
        parsed p;
        parse_all(t, k, &p);
        assert_int_equal(p.n, 3);
        assert_string_equal(p.rows[1], "BAD:line 2, column 2: field longer than 1048576 bytes");
        assert_string_equal(p.rows[2], "2|3");
        parsed_free(&p);
        free(t);
    }
    size_t big = KZ_CSV_FIELD_MAX + 100;
    char *text = malloc(big + 64);
    size_t n = 0;
    n += (size_t)sprintf(text + n, "a,b\n1,\"");
    memset(text + n, 'x', big);
    n += big;
    n += (size_t)sprintf(text + n, "\"\n2,3\n");
    parsed p;
    parse_all(text, n, &p);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.rows[1], "BAD:line 2, column 2: field longer than 1048576 bytes");
    assert_string_equal(p.rows[2], "2|3");
    assert_int_equal(p.lines[2], 3);
    parsed_free(&p);
    /* unquoted too */
    n = 0;
    n += (size_t)sprintf(text + n, "a\n");
    memset(text + n, 'y', big);
    n += big;
    n += (size_t)sprintf(text + n, "\nok\n");
    parse_all(text, n, &p);
    assert_int_equal(p.n, 3);
    assert_non_null(strstr(p.rows[1], "field longer than"));
    assert_string_equal(p.rows[2], "ok");
    parsed_free(&p);
    free(text);
}

static void test_csv_too_many_columns(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "a\n");
    for (int i = 0; i < KZ_CSV_COLS_MAX + 5; i++)
        kz_buf_puts(&b, "x,");
    kz_buf_puts(&b, "x\nfine\n");
    parsed p;
    parse_all(b.s, b.len, &p);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.rows[1], "BAD:line 2: more than 10000 fields in one row");
    assert_string_equal(p.rows[2], "fine");
    parsed_free(&p);
    kz_buf_free(&b);
}

static void test_csv_prefix(void **state)
{
    (void)state;
    static const char rest[] = "ne,2\n";
    FILE *f = fmemopen((void *)rest, sizeof rest - 1, "rb");
    kz_csv *c = kz_csv_new(f, "h\nli", 4);
    kz_csv_row row;
    kz_err err;
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
    assert_string_equal(row.v[0], "h");
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_OK);
    assert_string_equal(row.v[0], "line");
    assert_string_equal(row.v[1], "2");
    assert_int_equal(kz_csv_next(c, &row, &err), KZ_ENOTFOUND);
    kz_csv_free(c);
    fclose(f);
}

static void test_csv_put_field(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_csv_put_field(&b, "plain", 5);
    kz_buf_putc(&b, ',');
    kz_csv_put_field(&b, "a,\"b\"\r\n", 7);
    kz_buf_putc(&b, ',');
    kz_csv_put_field(&b, " x", 2);
    assert_string_equal(kz_buf_str(&b), "plain,\"a,\"\"b\"\"\r\n\",\" x\"");
    kz_buf_free(&b);
}

/* ---- mapping ---- */

static const kz_map_col *col_of(const kz_import_map *m, const char *header)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->header[i], header) == 0)
            return &m->col[i];
    fail_msg("no column %s", header);
    return NULL;
}

static void expect_field(const kz_import_map *m, const char *header, kz_field f)
{
    const kz_map_col *c = col_of(m, header);
    if (c->kind != KZ_MAP_FIELD || c->field != (int)f)
        fail_msg("column \"%s\": kind %d field %d, expected field %s", header, c->kind, c->field,
                 kz_field_get(f)->name);
}

static void expect_custom(const kz_import_map *m, const char *header, const char *name)
{
    const kz_map_col *c = col_of(m, header);
    if (c->kind != KZ_MAP_CUSTOM || strcmp(c->custom, name) != 0)
        fail_msg("column \"%s\": kind %d custom %s, expected custom %s", header, c->kind,
                 c->custom, name);
}

static void test_map_hubspot(void **state)
{
    (void)state;
    const char *h[] = {"Record ID", "First Name", "Last Name", "Email", "Phone Number",
                       "Company Name", "Job Title", "Industry", "Number of Employees",
                       "Annual Revenue", "Country/Region", "City", "Original Source",
                       "Lead Status", "Lifecycle Stage", "Contact owner", "Create Date",
                       "Last Activity Date", "Notes"};
    kz_import_map m;
    kz_err err;
    assert_int_equal(kz_import_map_build(h, 19, NULL, 0, &m, &err), KZ_OK);
    expect_custom(&m, "Record ID", "record_id");
    assert_int_equal(col_of(&m, "First Name")->kind, KZ_MAP_FIRST_NAME);
    assert_int_equal(col_of(&m, "Last Name")->kind, KZ_MAP_LAST_NAME);
    expect_field(&m, "Email", KZ_F_EMAIL);
    expect_field(&m, "Phone Number", KZ_F_PHONE);
    expect_field(&m, "Company Name", KZ_F_COMPANY);
    expect_field(&m, "Job Title", KZ_F_TITLE);
    expect_field(&m, "Industry", KZ_F_INDUSTRY);
    expect_field(&m, "Number of Employees", KZ_F_EMPLOYEES);
    expect_field(&m, "Annual Revenue", KZ_F_REVENUE);
    expect_field(&m, "Country/Region", KZ_F_COUNTRY);
    expect_field(&m, "City", KZ_F_CITY);
    expect_field(&m, "Original Source", KZ_F_SOURCE);
    expect_field(&m, "Lifecycle Stage", KZ_F_STATUS);
    expect_custom(&m, "Lead Status", "lead_status"); /* the weaker claim on status */
    expect_field(&m, "Contact owner", KZ_F_OWNER);
    expect_field(&m, "Create Date", KZ_F_CREATED);
    expect_field(&m, "Last Activity Date", KZ_F_TOUCHED); /* the last touch */
    expect_custom(&m, "Notes", "notes");

    const char *row[] = {"100001", "Ava", "Smith", "ava@acme.example", "+1", "Acme Inc",
                         "CTO", "Software", "1,200", "$250000.50", "Iran", "Tabriz", "Web form",
                         "New", "lead", "alice", "2025-03-05 14:07", "", "hi"};
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_import_row_lead(&m, row, 19, &l, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_NAME), "Ava Smith");
    assert_int_equal(kz_lead_num(&l, KZ_F_EMPLOYEES), 1200);
    assert_int_equal(kz_lead_num(&l, KZ_F_REVENUE), 25000050);
    assert_string_equal(kz_lead_custom(&l, "record_id"), "100001");
    assert_string_equal(kz_lead_custom(&l, "lead_status"), "New");
    assert_false(kz_lead_has(&l, KZ_F_TOUCHED)); /* empty cell: nothing */
    assert_null(kz_lead_custom(&l, "last_activity_date"));
    assert_true(kz_lead_has(&l, KZ_F_CREATED));
    row[17] = "2026-01-07";
    assert_int_equal(kz_import_row_lead(&m, row, 19, &l, &err), KZ_OK);
    int64_t t;
    assert_int_equal(kz_time_parse("2026-01-07", &t), KZ_OK);
    assert_int_equal(kz_lead_num(&l, KZ_F_TOUCHED), t);
    row[17] = "";

    row[8] = "many";
    assert_int_equal(kz_import_row_lead(&m, row, 19, &l, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "column \"Number of Employees\""));
    assert_non_null(strstr(err.msg, "not a whole number"));
    row[8] = "5";
    row[15] = "Alice Smith"; /* a person's name: matched to an account by the import */
    assert_int_equal(kz_import_row_lead(&m, row, 19, &l, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_OWNER), "Alice Smith");
    kz_lead_free(&l);
    kz_import_map_free(&m);
}

static void test_map_salesforce_pipedrive_zoho_odoo(void **state)
{
    (void)state;
    kz_import_map m;
    kz_err err;
    const char *sf[] = {"Id", "FirstName", "LastName", "Title", "Company", "Email", "Phone",
                        "NumberOfEmployees", "AnnualRevenue", "LeadSource", "Status", "Owner",
                        "CreatedDate"};
    assert_int_equal(kz_import_map_build(sf, 13, NULL, 0, &m, &err), KZ_OK);
    expect_custom(&m, "Id", "record_id");
    assert_int_equal(col_of(&m, "FirstName")->kind, KZ_MAP_FIRST_NAME);
    expect_field(&m, "Title", KZ_F_TITLE);
    expect_field(&m, "Company", KZ_F_COMPANY);
    expect_field(&m, "NumberOfEmployees", KZ_F_EMPLOYEES);
    expect_field(&m, "AnnualRevenue", KZ_F_REVENUE);
    expect_field(&m, "LeadSource", KZ_F_SOURCE);
    expect_field(&m, "Status", KZ_F_STATUS);
    expect_field(&m, "Owner", KZ_F_OWNER);
    expect_field(&m, "CreatedDate", KZ_F_CREATED);
    kz_import_map_free(&m);

    const char *pd[] = {"Deal - ID", "Deal - Title", "Person - Name", "Person - Email",
                        "Organization - Name", "Deal - Value", "Deal - Currency",
                        "Deal - Stage", "Deal - Owner", "Deal - Expected close date"};
    assert_int_equal(kz_import_map_build(pd, 10, NULL, 0, &m, &err), KZ_OK);
    expect_custom(&m, "Deal - ID", "deal_id"); /* a deals file: the deal's own id */
    expect_custom(&m, "Deal - Title", "deal_name");
    expect_field(&m, "Person - Name", KZ_F_NAME);
    expect_field(&m, "Person - Email", KZ_F_EMAIL);
    expect_field(&m, "Organization - Name", KZ_F_COMPANY);
    expect_field(&m, "Deal - Value", KZ_F_VALUE);
    expect_field(&m, "Deal - Currency", KZ_F_CURRENCY);
    expect_field(&m, "Deal - Stage", KZ_F_STAGE);
    expect_field(&m, "Deal - Owner", KZ_F_OWNER);
    expect_field(&m, "Deal - Expected close date", KZ_F_CLOSE_DATE);
    kz_import_map_free(&m);

    const char *zo[] = {"Record Id", "Lead Owner", "First Name", "Last Name", "Company",
                        "Designation", "Email", "Mobile", "Lead Source", "Lead Status",
                        "No. of Employees", "Annual Revenue", "Created Time"};
    assert_int_equal(kz_import_map_build(zo, 13, NULL, 0, &m, &err), KZ_OK);
    expect_field(&m, "Lead Owner", KZ_F_OWNER);
    expect_field(&m, "Designation", KZ_F_TITLE);
    expect_field(&m, "Mobile", KZ_F_PHONE);
    expect_field(&m, "Lead Source", KZ_F_SOURCE);
    expect_field(&m, "Lead Status", KZ_F_STATUS); /* no lifecycle column here */
    expect_field(&m, "No. of Employees", KZ_F_EMPLOYEES);
    expect_field(&m, "Created Time", KZ_F_CREATED);
    kz_import_map_free(&m);

    const char *od[] = {"Opportunity", "Contact Name", "Email", "Company Name", "Job Position",
                        "Expected Revenue", "Salesperson", "Stage", "Expected Closing",
                        "Probability", "Sales Team"};
    assert_int_equal(kz_import_map_build(od, 11, NULL, 0, &m, &err), KZ_OK);
    expect_custom(&m, "Opportunity", "opportunity");
    expect_field(&m, "Contact Name", KZ_F_NAME);
    expect_field(&m, "Job Position", KZ_F_TITLE);
    expect_field(&m, "Expected Revenue", KZ_F_VALUE);
    expect_field(&m, "Salesperson", KZ_F_OWNER);
    expect_field(&m, "Stage", KZ_F_STAGE);
    expect_field(&m, "Expected Closing", KZ_F_CLOSE_DATE);
    expect_field(&m, "Probability", KZ_F_PROBABILITY);
    expect_custom(&m, "Sales Team", "sales_team");
    kz_import_map_free(&m);
}

static void test_map_overrides_and_names(void **state)
{
    (void)state;
    kz_import_map m;
    kz_err err;
    const char *h[] = {"NAME", "e-mail", "Org", "Org", "Score", "Ünïcode", "size", "id",
                       "kariz_reject_reason"};
    const char *ov[] = {"Org=company", "size=employees", "e-mail=-"};
    assert_int_equal(kz_import_map_build(h, 9, ov, 3, &m, &err), KZ_OK);
    expect_field(&m, "NAME", KZ_F_NAME);
    assert_int_equal(m.col[1].kind, KZ_MAP_IGNORE);
    assert_int_equal(m.col[2].kind, KZ_MAP_FIELD);
    assert_int_equal(m.col[3].kind, KZ_MAP_CUSTOM); /* the second "Org" */
    assert_string_equal(m.col[3].custom, "org");
    assert_int_equal(m.col[4].kind, KZ_MAP_IGNORE); /* computed by kariz */
    assert_string_equal(m.col[5].custom, "n_code");
    expect_field(&m, "size", KZ_F_EMPLOYEES);
    expect_custom(&m, "id", "record_id");
    assert_int_equal(m.col[8].kind, KZ_MAP_IGNORE);
    kz_buf d = KZ_BUF_INIT;
    kz_import_map_describe(&m, &d);
    assert_non_null(strstr(kz_buf_str(&d), "\"e-mail\" -> ignored (--map)"));
    assert_non_null(strstr(kz_buf_str(&d), "\"Org\" -> company (--map)"));
    kz_buf_free(&d);
    kz_import_map_free(&m);

    const char *bad[] = {"Nope=email"};
    assert_int_equal(kz_import_map_build(h, 9, bad, 1, &m, &err), KZ_EUSAGE);
    assert_non_null(strstr(err.msg, "no column \"Nope\""));
    const char *bad2[] = {"Org=Not Valid"};
    assert_int_equal(kz_import_map_build(h, 9, bad2, 1, &m, &err), KZ_EUSAGE);
    const char *bad3[] = {"Org=score"};
    assert_int_equal(kz_import_map_build(h, 9, bad3, 1, &m, &err), KZ_EUSAGE);

    /* a kariz export: its id column is not a record id, custom.* columns round-trip */
    const char *kx[] = {"id", "name", "score", "import_id", "version", "created",
                        "custom.a.b-c", "custom.notes"};
    assert_int_equal(kz_import_map_build(kx, 8, NULL, 0, &m, &err), KZ_OK);
    assert_int_equal(m.col[0].kind, KZ_MAP_IGNORE);
    assert_int_equal(m.col[2].kind, KZ_MAP_IGNORE);
    expect_field(&m, "created", KZ_F_CREATED);
    expect_custom(&m, "custom.a.b-c", "a.b-c");
    expect_custom(&m, "custom.notes", "notes");
    kz_import_map_free(&m);
}

static void test_custom_name(void **state)
{
    (void)state;
    char out[80];
    kz_import_custom_name("Last Activity Date", 0, out, sizeof out);
    assert_string_equal(out, "last_activity_date");
    kz_import_custom_name("NumberOfEmployees", 0, out, sizeof out);
    assert_string_equal(out, "number_of_employees");
    kz_import_custom_name("نام", 4, out, sizeof out);
    assert_string_equal(out, "column_5");
    kz_import_custom_name("Name", 0, out, sizeof out);
    assert_string_equal(out, "name_column");
    kz_import_custom_name("  --x--  ", 0, out, sizeof out);
    assert_string_equal(out, "x");
    char longh[200];
    memset(longh, 'a', sizeof longh - 1);
    longh[sizeof longh - 1] = '\0';
    kz_import_custom_name(longh, 0, out, sizeof out);
    assert_int_equal(strlen(out), 64);
    assert_true(kz_custom_name_ok(out));
}

static void test_dedupe_key(void **state)
{
    (void)state;
    kz_lead l;
    kz_lead_init(&l);
    kz_buf k = KZ_BUF_INIT;
    assert_false(kz_import_dedupe_key(&l, &k));
    kz_lead_set_text(&l, KZ_F_EMAIL, "  Ava@ACME.example ");
    assert_true(kz_import_dedupe_key(&l, &k));
    assert_string_equal(kz_buf_str(&k), "e:ava@acme.example");
    kz_lead_set_text(&l, KZ_F_EMAIL, "   ");
    kz_lead_set_text(&l, KZ_F_NAME, " Ava Smith");
    kz_lead_set_text(&l, KZ_F_COMPANY, "ACME ");
    assert_true(kz_import_dedupe_key(&l, &k));
    assert_string_equal(kz_buf_str(&k), "n:ava smith\x1f" "acme");
    kz_lead_clear(&l, KZ_F_NAME);
    assert_false(kz_import_dedupe_key(&l, &k));
    kz_buf_free(&k);
    kz_lead_free(&l);
}

static void test_json_lead(void **state)
{
    (void)state;
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    const char *ok = "{\"First Name\":\"Ava\",\"last_name\":\"Smith\",\"Email\":\"a@x\","
                     "\"value\":12500.5,\"employees\":40,\"favourite color\":\"teal\","
                     "\"custom\":{\"tier\":\"gold\"},\"score\":99,\"note\":null}";
    assert_int_equal(kz_import_json_lead(ok, strlen(ok), &l, NULL, NULL, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_NAME), "Ava Smith");
    assert_int_equal(kz_lead_num(&l, KZ_F_VALUE), 1250050);
    assert_int_equal(kz_lead_num(&l, KZ_F_EMPLOYEES), 40);
    assert_string_equal(kz_lead_custom(&l, "favourite_color"), "teal");
    assert_string_equal(kz_lead_custom(&l, "tier"), "gold");
    assert_false(kz_lead_has(&l, KZ_F_SCORE));
    const char *bad = "{\"name\":\"x\",\"employees\":\"lots\"}";
    assert_int_equal(kz_import_json_lead(bad, strlen(bad), &l, NULL, NULL, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "key \"employees\""));
    const char *arr = "[1,2]";
    assert_int_equal(kz_import_json_lead(arr, strlen(arr), &l, NULL, NULL, &err), KZ_EINVAL);
    const char *broken = "{\"name\": ";
    assert_int_equal(kz_import_json_lead(broken, strlen(broken), &l, NULL, NULL, &err), KZ_EINVAL);
    const char *nested = "{\"name\":{\"a\":1}}";
    assert_int_equal(kz_import_json_lead(nested, strlen(nested), &l, NULL, NULL, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "key \"name\""));
    kz_lead_free(&l);
}

/* Dates as other CRMs write them, into kariz's own text. */
static void test_dates(void **state)
{
    (void)state;
    char out[48];
    kz_err err;
    kz_err_clear(&err);
    struct { const char *in; kz_date_order o; const char *want; } ok[] = {
        {"2024-05-09", KZ_DATES_UNKNOWN, "2024-05-09"},
        {"2024/05/09 14:07", KZ_DATES_UNKNOWN, "2024-05-09 14:07:00"},
        {"13/05/2024", KZ_DATES_UNKNOWN, "2024-05-13"},
        {"05/13/2024", KZ_DATES_UNKNOWN, "2024-05-13"},
        {"03/04/2024", KZ_DATES_DMY, "2024-04-03"},
        {"03/04/2024", KZ_DATES_MDY, "2024-03-04"},
        {"9.5.2024 2:07 PM", KZ_DATES_DMY, "2024-05-09 14:07:00"},
        {"2024-05-09T14:07:00Z", KZ_DATES_UNKNOWN, "2024-05-09T14:07:00Z"},
        {"2024-05-09T14:07:00+03:30", KZ_DATES_UNKNOWN, "2024-05-09T10:37:00Z"},
        {"2024-05-09 14:07:00.250-0500", KZ_DATES_UNKNOWN, "2024-05-09T19:07:00Z"},
        {"1403/02/20", KZ_DATES_UNKNOWN, "2024-05-09"},
        {"\xdb\xb1\xdb\xb4\xdb\xb0\xdb\xb3/\xdb\xb0\xdb\xb2/\xdb\xb2\xdb\xb0",
         KZ_DATES_UNKNOWN, "2024-05-09"}, /* ۱۴۰۳/۰۲/۲۰ */
        {"\xd9\xa1\xd9\xa4\xd9\xa0\xd9\xa3/\xd9\xa0\xd9\xa2/\xd9\xa2\xd9\xa0",
         KZ_DATES_UNKNOWN, "2024-05-09"}, /* Arabic-Indic digits */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(kz_import_date_read(ok[i].in, ok[i].o, out, sizeof out, &err), KZ_OK);
        assert_string_equal(out, ok[i].want);
    }
    assert_int_equal(kz_import_date_read("03/04/2024", KZ_DATES_UNKNOWN, out, sizeof out, &err),
                     KZ_EINVAL);
    assert_non_null(strstr(err.msg, "--date-format"));
    assert_int_equal(kz_import_date_read("1403/12/30", KZ_DATES_UNKNOWN, out, sizeof out, &err),
                     KZ_OK); /* 1403 is a leap year: Esfand has 30 days */
    assert_int_equal(kz_import_date_read("1404/12/30", KZ_DATES_UNKNOWN, out, sizeof out, &err),
                     KZ_EINVAL);
    assert_non_null(strstr(err.msg, "Solar Hijri"));
    assert_int_equal(kz_import_date_read("soon", KZ_DATES_UNKNOWN, out, sizeof out, &err),
                     KZ_EINVAL);

    /* a date field takes the day as written, whatever the time after it */
    const char *h[] = {"Close Date", "Create Date"};
    kz_import_map m;
    assert_int_equal(kz_import_map_build(h, 2, NULL, 0, &m, &err), KZ_OK);
    kz_lead l;
    kz_lead_init(&l);
    const char *row[] = {"2024-07-31T00:00:00+02:00", "2024-05-09T14:07:00+03:30"};
    assert_int_equal(kz_import_row_lead(&m, row, 2, &l, &err), KZ_OK);
    char buf[40];
    kz_lead_format(&l, KZ_F_CLOSE_DATE, buf, sizeof buf);
    assert_string_equal(buf, "2024-07-31");
    kz_lead_format(&l, KZ_F_CREATED, buf, sizeof buf);
    assert_string_equal(buf, "2024-05-09T10:37:00Z");
    kz_lead_free(&l);
    kz_import_map_free(&m);

    kz_date_scan sc = {0};
    bool mixed;
    kz_import_date_scan(&sc, "03/04/2024");
    assert_int_equal(kz_import_date_order(&sc, &mixed), KZ_DATES_UNKNOWN);
    assert_false(mixed);
    kz_import_date_scan(&sc, "25/04/2024");
    assert_int_equal(kz_import_date_order(&sc, &mixed), KZ_DATES_DMY);
    kz_import_date_scan(&sc, "04/25/2024");
    assert_int_equal(kz_import_date_order(&sc, &mixed), KZ_DATES_UNKNOWN);
    assert_true(mixed);
}

/* Other CRMs' stage and status words, and the kinds of their files. */
static void test_words_and_kinds(void **state)
{
    (void)state;
    kz_rules *r = NULL;
    kz_err err;
    kz_err_clear(&err);
    assert_int_equal(kz_rules_load_builtin(&r, &err), KZ_OK);
    kz_word_meaning wm;
    assert_true(kz_import_word(r, "Closed Won", &wm));
    assert_string_equal(wm.stage, "won");
    assert_true(kz_import_word(r, "closed_lost_to competition", &wm));
    assert_string_equal(wm.stage, "lost");
    assert_string_equal(wm.lost_reason, "competitor");
    assert_true(kz_import_word(r, "Open - Not Contacted", &wm));
    assert_string_equal(wm.status, "lead");
    assert_false(kz_import_word(r, "Somewhere Else", &wm));
    kz_rules_free(r);
    const char *load =
        "stages:\n  - {name: new, probability: 10}\n  - {name: done, kind: won, probability: 100}\n"
        "  - {name: gone, kind: lost, probability: 0}\n"
        "stage_map:\n  \"Demo Booked\": new\n";
    if (kz_rules_load_buffer("t.yaml", load, strlen(load), &r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    assert_true(kz_import_word(r, "demo booked", &wm));
    assert_string_equal(wm.stage, "new");
    assert_true(kz_import_word(r, "closedwon", &wm)); /* the rules' won stage, by kind */
    assert_string_equal(wm.stage, "done");
    assert_false(kz_import_word(r, "Prospecting", &wm)); /* no such stock stage here */
    kz_rules_free(r);

    assert_string_equal(kz_import_activity_kind("Log a Call"), "call");
    assert_string_equal(kz_import_activity_outcome("Left voicemail"), "voicemail");
    assert_false(kz_import_activity_done("Not Started"));
    assert_true(kz_import_activity_done("Completed"));
    const char *pd[] = {"Activity - Subject", "Activity - Due date", "Person - Email"};
    assert_int_equal(kz_import_detect_kind(pd, 3), KZ_KIND_ACTIVITIES);
    const char *hd[] = {"Deal Name", "Amount"};
    assert_int_equal(kz_import_detect_kind(hd, 2), KZ_KIND_DEALS);
    const char *nt[] = {"Note body", "Associated Contact"};
    assert_int_equal(kz_import_detect_kind(nt, 2), KZ_KIND_NOTES);
    const char *ct[] = {"First Name", "Email"};
    assert_int_equal(kz_import_detect_kind(ct, 2), KZ_KIND_CONTACTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_basic),
        cmocka_unit_test(test_csv_quotes_crlf_bom),
        cmocka_unit_test(test_csv_blank_lines),
        cmocka_unit_test(test_csv_unterminated_quote),
        cmocka_unit_test(test_csv_stray_quote_recovers),
        cmocka_unit_test(test_csv_quote_inside_unquoted_field),
        cmocka_unit_test(test_csv_cr_only_lines),
        cmocka_unit_test(test_csv_raw_text),
        cmocka_unit_test(test_csv_nul_byte),
        cmocka_unit_test(test_csv_field_cap),
        cmocka_unit_test(test_csv_too_many_columns),
        cmocka_unit_test(test_csv_prefix),
        cmocka_unit_test(test_csv_put_field),
        cmocka_unit_test(test_map_hubspot),
        cmocka_unit_test(test_map_salesforce_pipedrive_zoho_odoo),
        cmocka_unit_test(test_map_overrides_and_names),
        cmocka_unit_test(test_custom_name),
        cmocka_unit_test(test_dedupe_key),
        cmocka_unit_test(test_json_lead),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_words_and_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
