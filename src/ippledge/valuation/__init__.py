"""Valuation tasks (估值任务): valuers accept or decline tasks and submit immutable reports (the engine comes later)."""
