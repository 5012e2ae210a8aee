"""A child's own file: everything they sent and everything written to them, as one zip."""
