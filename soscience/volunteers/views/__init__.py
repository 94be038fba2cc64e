"""Views of the volunteers app, by page family."""
