"""Demo profile with realistic Indonesian caseload data (`caseworker demo-data`, `caseworker --demo`)."""

from caseworker.demo.loader import DEMO_PASSWORD, create_demo_profile, fill_demo_profile

__all__ = ["DEMO_PASSWORD", "create_demo_profile", "fill_demo_profile"]
