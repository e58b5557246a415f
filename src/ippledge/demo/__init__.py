"""Demo (演示): a fresh simulated market, a batch of pledge filings through the real services, a summary, the API."""
