"""Numeric kernels (数值计算): batch scoring and simulation on NumPy arrays. Imports only ``ippledge.kernel``."""
