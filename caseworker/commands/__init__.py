"""Command groups of the `caseworker` command line."""
