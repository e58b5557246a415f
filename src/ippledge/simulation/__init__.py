"""Simulated market (模拟市场): a seeded generator of enterprises, IP portfolios and institutions, and its loader.

``spec`` holds the parameters (each with its source or marked as an assumption), ``generate`` turns a spec and a seed
into NumPy columns without touching the database, and ``load`` writes them in bulk.
"""
