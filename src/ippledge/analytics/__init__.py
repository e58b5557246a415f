"""Analytics (估值分析): indicator scores, money value with a range, collateral value. NumPy only, no I/O.

Estimator style: ``fit`` returns the estimator, learned state ends in ``_``, every random draw comes from a seed.
Public entry points: ``ValuationEngine``, ``value_asset``, ``value_batch`` (``ippledge.analytics.single``).
"""
