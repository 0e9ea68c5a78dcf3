"""Sigap: early detection and protection of children at risk of exploitation."""
