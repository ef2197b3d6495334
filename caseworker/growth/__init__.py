"""WHO child-growth z-scores (WHO Child Growth Standards 2006) with Permenkes 2/2020 categories.

Qt-free. `compute()` scores one measurement; `alerts()` reads a child's history; `reference_curves()`
gives the -3..+3 SD lines for charts.
"""

from caseworker.growth.zscores import INDICATORS, GrowthInputError, GrowthResult, age_in_days, compute

__all__ = ["INDICATORS", "GrowthInputError", "GrowthResult", "age_in_days", "compute"]
