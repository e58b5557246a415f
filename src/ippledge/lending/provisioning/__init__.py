"""Loan-loss provisioning (贷款损失准备): the policy as pure rules, its versions, and the provisions report.

``model`` holds the rules (rates by five-tier grade, ratios), ``service`` stores policy versions, ``queries`` reads
the policy in force and builds the report, ``tables`` keeps the versions, ``api`` is the edge.
"""
