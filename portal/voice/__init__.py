"""The child's voice about the service itself: "How was my review?" after a review is
held, and "I want an advocate" from any page."""
