"""Analytics (数值计算): NumPy kernels for batch valuation and portfolio simulation. Imports only ``ippledge.kernel``.

Estimator style: ``fit`` returns the estimator, learned state ends in ``_``, every random draw comes from a seed.
Valuation: ``ValuationEngine``, ``value_asset``, ``value_batch`` (``analytics.single``). Risk: ``analytics.risk_sim``.
"""
