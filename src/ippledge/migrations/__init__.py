"""Schema (数据库结构): every table in one metadata, Alembic upgrade, the initial-migration generator and seeds."""
