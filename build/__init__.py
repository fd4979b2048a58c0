"""The structure builder: rows of any format → the plan's hierarchy and records."""
