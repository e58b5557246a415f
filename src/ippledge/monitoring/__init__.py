"""Post-loan monitoring (贷后监测): the step after each daily close that watches pledged IP and borrowers, alerts
everyone who shares the risk, and keeps the watch list (关注名单)."""
