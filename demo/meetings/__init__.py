"""The demo school's meetings (`seed_demo_meetings`)."""

from demo.meetings.calendar import meeting_gaps
from demo.meetings.generator import seed_demo_meetings

__all__ = ["meeting_gaps", "seed_demo_meetings"]
