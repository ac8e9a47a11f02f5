"""The office's dashboards and PDF briefings (简报)."""
