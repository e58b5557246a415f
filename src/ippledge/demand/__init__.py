"""Demand database and matchmaking (融资需求库与对接): firms' financing demands from the API and surveys, their match
to bank products, and the conversion funnel from a whitelist push to a loan."""
