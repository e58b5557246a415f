"""Risk sharing and compensation (风险分担与补偿): schemes, loss allocation, simulation glue."""
