-- A centre's billing settings for its qualified invoices (適格請求書): who issues
-- them (legal name, address, registration number `T` + 13 digits), the default tax
-- rate, how the tax per rate is rounded, and the payment terms.
CREATE TABLE billing_settings (
    center_id TEXT PRIMARY KEY REFERENCES centers (id),
    legal_name TEXT NOT NULL,
    address TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    default_tax_rate INTEGER NOT NULL CHECK (default_tax_rate IN (8, 10)),
    tax_rounding TEXT NOT NULL CHECK (tax_rounding IN ('down', 'half_up', 'up')),
    payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 120),
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
