"""Bình Yên: the crime-prevention movement of the trade unions, from directive to report."""
