-- Client invoices: Japanese qualified invoices (適格請求書), for one completed job or
-- for a client organisation's jobs completed in a month, and the credit notes
-- (返還インボイス) that correct them.
--
-- A draft has no number. Issuing takes the centre's next number from
-- `invoice_counters` in the issuing transaction (one upsert that locks the
-- centre's row until commit), so numbers run without gaps or duplicates; credit
-- notes are numbered in the same series. What an issued invoice says (issuer,
-- recipient, lines, totals) is frozen in its row and never updated again: only its
-- status moves (paid, void).
CREATE TABLE invoice_counters (
    center_id TEXT PRIMARY KEY REFERENCES centers (id),
    last_number BIGINT NOT NULL
);

CREATE TABLE invoices (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- The job of a per-job invoice (and of its credit notes); null for a monthly one.
    job_id TEXT REFERENCES jobs (id),
    -- The month (`YYYY-MM`) a monthly invoice bills.
    period TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    -- The invoice a credit note corrects.
    credits_invoice_id TEXT REFERENCES invoices (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    number BIGINT,
    currency TEXT NOT NULL,
    transaction_date TEXT NOT NULL,
    issued_on TEXT,
    due_on TEXT,
    -- Frozen when issued: the issuer's legal name, address and registration number (JSON).
    issuer TEXT,
    recipient_name TEXT NOT NULL,
    tax_rounding TEXT NOT NULL,
    subtotal_standard BIGINT NOT NULL,
    tax_standard BIGINT NOT NULL,
    subtotal_reduced BIGINT NOT NULL,
    tax_reduced BIGINT NOT NULL,
    total BIGINT NOT NULL,
    note TEXT NOT NULL,
    reason TEXT,
    paid_amount BIGINT,
    paid_on TEXT,
    overdue_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    issued_by TEXT REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'credit_note') = (credits_invoice_id IS NOT NULL)),
    CHECK ((status = 'draft') = (number IS NULL) OR status = 'void')
);
CREATE UNIQUE INDEX invoices_number_idx ON invoices (center_id, number);
CREATE INDEX invoices_job_idx ON invoices (job_id);
CREATE INDEX invoices_center_idx ON invoices (center_id, id);
CREATE INDEX invoices_organization_idx ON invoices (organization_id, id);
CREATE INDEX invoices_credits_idx ON invoices (credits_invoice_id);

-- An invoice's lines, in order: an amount before tax at a rate.
CREATE TABLE invoice_lines (
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    -- The job the line bills, if any.
    job_id TEXT REFERENCES jobs (id),
    minutes BIGINT,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    tax_rate INTEGER NOT NULL CHECK (tax_rate IN (8, 10)),
    PRIMARY KEY (invoice_id, position)
);

-- The invoice that bills each job while it is not void: one at a time, whether per
-- job or monthly (the primary key refuses a second, even at the same moment).
CREATE TABLE invoiced_jobs (
    job_id TEXT PRIMARY KEY REFERENCES jobs (id),
    invoice_id TEXT NOT NULL REFERENCES invoices (id)
);
CREATE INDEX invoiced_jobs_invoice_idx ON invoiced_jobs (invoice_id);
