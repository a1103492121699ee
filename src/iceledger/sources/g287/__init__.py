"""287(g) agreements over time: ICE's participating and pending agency lists, the 2025 snapshots
and the MOA list, read by the layout files beside this module. See docs/287g.md.
"""
