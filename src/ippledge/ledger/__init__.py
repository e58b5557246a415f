"""Double-entry ledger (复式记账): balanced journal entries in integer fen, the chart of accounts, the ledger check."""
