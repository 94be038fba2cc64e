"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""
