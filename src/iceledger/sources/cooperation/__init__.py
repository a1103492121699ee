"""Cooperation with ICE over time, per place: the timeline table (build.py) and the answer for a day (status.py)."""
