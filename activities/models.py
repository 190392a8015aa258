"""Meetings under 三会一课 and the branch's other activities (built in a later issue)."""
