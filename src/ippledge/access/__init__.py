"""Access (参与方与权限): parties, users, roles, credentials, scoping, maker-checker and the audit trail."""
