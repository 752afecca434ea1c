"""Reports: models arrive with the issue that builds this process."""
