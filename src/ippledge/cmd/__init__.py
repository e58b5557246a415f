"""Command-line kit (命令行工具包): the options and database setup every capability's CLI shares."""
