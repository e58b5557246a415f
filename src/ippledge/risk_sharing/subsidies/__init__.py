"""Subsidies (补贴): interest, valuation-fee, premium and guarantee-fee subsidies as rule versions, paid by a fund."""
