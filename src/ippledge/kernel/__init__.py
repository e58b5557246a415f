"""Kernel (内核): money, dates, identifiers and errors. No I/O and no imports from the rest of ippledge."""
