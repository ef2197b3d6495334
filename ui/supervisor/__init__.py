"""The supervisor's screens, as self-contained widgets the main window embeds: the dashboard, the review
queue (and a worker's returned-to-me list), the case's review panel, the duplicate queue and reassigning.

Signals the main window connects: DashboardView.casesRequested(title, ids) and .pdfReady(path);
ReviewQueueView / ReturnedToMeView / DuplicatesView.caseRequested(case_id) and .changed();
ReviewPanel.changed(); ReassignDialog.reassigned(case_ids, username).
"""

from ui.supervisor.dashboard import DashboardView
from ui.supervisor.duplicates import DuplicatesView
from ui.supervisor.reassign import ReassignDialog
from ui.supervisor.review_panel import ReviewPanel
from ui.supervisor.review_queue import ReturnedToMeView, ReviewQueueView, review_view_for

__all__ = [
    "DashboardView",
    "DuplicatesView",
    "ReassignDialog",
    "ReturnedToMeView",
    "ReviewPanel",
    "ReviewQueueView",
    "review_view_for",
]
