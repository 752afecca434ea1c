"""Changes and releases: models arrive with the issue that builds this process."""
