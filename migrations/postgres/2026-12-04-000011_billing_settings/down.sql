DROP TABLE billing_settings;
