"""Valuer governance (评估机构监督): every valuation of an IP side by side, report flags, the valuer league table."""
