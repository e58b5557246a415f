"""Portfolio simulation (组合模拟): a Monte Carlo of a book of loans under a scheme, on ``ippledge.analytics``."""
