"""A child's own plan for their review ("I plan my review") and a "Quick say"."""
