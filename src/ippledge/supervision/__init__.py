"""Supervision (监管统计): the regulator's statistics, targets, NPL tolerance and rankings of banks."""
