"""Grading submissions: load and identify, execute graded cells apart, judge, report."""
