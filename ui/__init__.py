"""The PySide6 desktop app. The only package that imports Qt; it reaches the core through its public functions."""
