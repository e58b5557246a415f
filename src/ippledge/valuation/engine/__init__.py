"""Model valuation (模型估值): the engine values one IP or the whole register; results stored per IP and date."""
