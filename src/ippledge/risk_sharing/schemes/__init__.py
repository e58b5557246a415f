"""Risk-sharing schemes (风险分担方案): versions as data, the presets, the eligibility rules, the seed."""
