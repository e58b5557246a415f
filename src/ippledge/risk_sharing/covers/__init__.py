"""Insurance and guarantees (保险与担保): covers of a loan or of a scheme's pool, and their premiums."""
