"""The encrypted local store: profiles, repositories, queries."""
