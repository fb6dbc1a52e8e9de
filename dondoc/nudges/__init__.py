"""The scheduled part: working days, the nudge ladder, the sweep that works out what is owed, digests."""
