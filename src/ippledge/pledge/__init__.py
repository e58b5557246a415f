"""Pledge registration (质押登记): joint filing, pre-checks, registration, change, release, in-force queries."""
