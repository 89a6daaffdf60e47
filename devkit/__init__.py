"""Development-only helpers shared by tests/ and benchmarks/ (never shipped in the wheel).

browser_harness starts the app exactly as the README does and drives Debian's chromium through Playwright.
openai_server is an OpenAI-compatible chat server on 127.0.0.1 with fault schedules, for live mode's tests and
benchmark.
"""
