DROP TABLE invoiced_jobs;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE invoice_counters;
