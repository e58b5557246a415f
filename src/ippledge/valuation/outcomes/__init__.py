"""Realised disposal outcomes (处置成交结果): the liquidity model's calibration and the valuers' realised prices."""
