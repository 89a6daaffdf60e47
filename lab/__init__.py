"""Routing Lab's engine: pure Python, no streamlit.

The subpackages follow the data flow, and imports point one way (tests/test_architecture.py):

    core      <- sources, failures      <- present <- cli (and the pages, outside lab/)

core holds the outcome matrix and everything a slider moves; sources build query sets; failures
transform signals and compare runs; present turns results into cards, tables, reports and figures;
cli.py is the routing-lab command. docs/architecture.md draws the picture.
"""
