"""Development-only helpers shared by tests/ and benchmarks/ (never shipped in the wheel).

browser_harness starts the app exactly as the README does and drives Debian's chromium through Playwright.
"""
