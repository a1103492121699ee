"""Cooperation with ICE over time, per place: the timeline table (load.py, the build step) and the answer for a day (place_status.py)."""
