"""Pure plotly figure builders: one template, one palette, labelled axes with units (see style.py).

Builders take engine objects (Summary, Sweep, tables of aggregates) and return go.Figure; Streamlit
is never imported here, so tests read their data without a browser.
"""
