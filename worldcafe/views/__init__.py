"""The web edge: one blueprint per role."""
