-- The engine's floor for an import into kariz's schema (bench/run): the
-- sqlite3 shell's .import of the bench CSV (a HubSpot export), then
-- set-based INSERTs filling the same tables kariz's import fills (the leads
-- with their indexes, the unmapped columns as custom fields, the search text
-- and its trigram index, the column totals) in one transaction, in a
-- database `kariz init` created. No per-row work: no mapping checks,
-- duplicate look-ups, scoring or resumable batches. CSVFILE is replaced by
-- the file's path.
.import --csv CSVFILE csv
BEGIN;
INSERT INTO leads (id, name, title, company, industry, employees, revenue, country, city, email,
                   phone, owner, stage, source, stage_entered, touched, created, updated)
SELECT rowid, "First Name" || ' ' || "Last Name", "Job Title", "Company Name", "Industry",
       CAST("Number of Employees" AS INTEGER), CAST("Annual Revenue" AS INTEGER) * 100,
       "Country/Region", "City", "Email", "Phone Number", "Contact owner", 'lead',
       "Original Source", unixepoch("Create Date"), unixepoch("Last Activity Date"),
       unixepoch("Create Date"), unixepoch()
FROM csv;
INSERT INTO custom_fields (lead_id, name, value)
SELECT rowid, 'record_id', "Record ID" FROM csv
UNION ALL SELECT rowid, 'lead_status', "Lead Status" FROM csv WHERE "Lead Status" <> ''
UNION ALL SELECT rowid, 'notes', "Notes" FROM csv WHERE "Notes" <> '';
INSERT INTO lead_text (id, doc)
SELECT id, replace(coalesce(name, ''), char(31), ' ') || char(31) ||
           replace(coalesce(company, ''), char(31), ' ') || char(31) ||
           replace(coalesce(email, ''), char(31), ' ') || char(31) FROM leads;
INSERT INTO lead_search (lead_search) VALUES ('rebuild');
INSERT INTO stage_totals (stage, owner, n, value)
SELECT stage, coalesce(owner, ''), count(*), sum(coalesce(value, 0)) FROM leads GROUP BY 1, 2;
DROP TABLE csv;
COMMIT;
