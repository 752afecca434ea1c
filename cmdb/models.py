"""Configuration management: models arrive with the issue that builds this process."""
