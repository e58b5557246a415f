"""Fund pools (风险补偿资金池): a scheme's pool, contributions into it, and the risk-sharing chart of accounts."""
