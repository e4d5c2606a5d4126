"""The UK working-day calendars a service file may name, apart from the working-day
arithmetic (``workdays``, which needs pandas): reading a service file loads nothing heavy."""

# the calendar names a service file uses, and the holidays library's UK subdivision codes
CALENDARS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
