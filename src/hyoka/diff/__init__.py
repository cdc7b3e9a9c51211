"""Differ: align items across two versions and diff their text."""
