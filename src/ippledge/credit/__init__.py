"""Credit (授信): bank products as versioned data, the credit decision with maker-checker, approved terms."""
