-- PostgreSQL's floor for an import into kariz's schema (bench/pg), as
-- bench/import-floor.sql is SQLite's: psql's \copy of the bench CSV (a
-- HubSpot export), then set-based INSERTs filling the same tables kariz's
-- import fills (the leads with their indexes, the unmapped columns as
-- custom fields, the search text under its trigram index, the column
-- totals) in one transaction, in a database `kariz init` created. No
-- per-row work: no mapping checks, duplicate look-ups, scoring or
-- resumable batches. CSVFILE is replaced by the file's path.
CREATE TEMP TABLE csv (rid BIGSERIAL, "Record ID" text, "First Name" text, "Last Name" text,
    "Email" text, "Phone Number" text, "Job Title" text, "Company Name" text, "Industry" text,
    "Number of Employees" text, "Annual Revenue" text, "Country/Region" text, "City" text,
    "Lifecycle Stage" text, "Lead Status" text, "Original Source" text, "Create Date" text,
    "Last Activity Date" text, "Contact owner" text, "Notes" text);
\copy csv ("Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "Industry", "Number of Employees", "Annual Revenue", "Country/Region", "City", "Original Source", "Lead Status", "Lifecycle Stage", "Contact owner", "Create Date", "Last Activity Date", "Notes") FROM 'CSVFILE' WITH (FORMAT csv, HEADER true)
BEGIN;
INSERT INTO leads (id, name, title, company, industry, employees, revenue, country, city, email,
                   phone, owner, stage, source, stage_entered, touched, created, updated)
SELECT rid, "First Name" || ' ' || "Last Name", "Job Title", "Company Name", "Industry",
       nullif("Number of Employees", '')::bigint, nullif("Annual Revenue", '')::bigint * 100,
       "Country/Region", "City", "Email", "Phone Number", "Contact owner", 'lead',
       "Original Source", extract(epoch FROM "Create Date"::timestamptz)::bigint,
       extract(epoch FROM coalesce(nullif("Last Activity Date", ''), "Create Date")::timestamptz)::bigint,
       extract(epoch FROM "Create Date"::timestamptz)::bigint,
       extract(epoch FROM now())::bigint
FROM csv;
INSERT INTO custom_fields (lead_id, name, value)
SELECT rid, 'record_id', "Record ID" FROM csv
UNION ALL SELECT rid, 'lead_status', "Lead Status" FROM csv WHERE "Lead Status" <> ''
UNION ALL SELECT rid, 'notes', "Notes" FROM csv WHERE "Notes" <> '';
INSERT INTO lead_text (id, doc)
SELECT id, lower(replace(coalesce(name, ''), chr(31), ' ') || chr(31) ||
                 replace(coalesce(company, ''), chr(31), ' ') || chr(31) ||
                 replace(coalesce(email, ''), chr(31), ' ') || chr(31)) FROM leads;
INSERT INTO stage_totals (stage, owner, n, value)
SELECT stage, coalesce(owner, ''), count(*), sum(coalesce(value, 0)) FROM leads GROUP BY 1, 2;
COMMIT;
