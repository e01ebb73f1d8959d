"""Checks that drive the running product: conversation tests and the replay of real customers."""
