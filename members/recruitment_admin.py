"""Admin for the recruitment pipeline (registered on import from members.admin)."""
