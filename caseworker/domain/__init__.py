"""Domain data and rules: reference tables, case stages, validation, regions and names (no Qt)."""
