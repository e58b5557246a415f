"""Events for connecting firms and banks (对接活动): training, roadshows and park campaigns (入园惠企)."""
