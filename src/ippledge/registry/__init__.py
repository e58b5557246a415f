"""Registry (登记): enterprises, IP assets, owners, annuities, licences, legal status and pledge registration."""
