"""Faults from outside, made on purpose: the project's own proof that its promises hold.

Used by `expressive stress`, `expressive bench` and the tests; nothing here runs in the app.
"""
