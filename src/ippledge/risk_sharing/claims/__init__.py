"""Compensation claims (补偿申请): trigger, filing, the fund's review, the loss split and payout, settlement of an
advance, the fund's debts to banks, recoveries shared back."""
