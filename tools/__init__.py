"""Development tools of the repository (not part of the publisher package: nothing publishes with them)."""
