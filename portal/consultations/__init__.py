"""A child's views before their review: consultation forms, drawings, poems, voice notes."""
