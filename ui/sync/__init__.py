"""Sync in the desktop app: the Sync action and its progress (controller), joining a server from the welcome
page (connect), the status bar (status), conflicts shown side by side (conflict_card, conflicts_view,
banner), and what a revoked device may do (revoked). The work itself is the core's (caseworker.sync)."""
