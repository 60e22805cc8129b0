"""Signals the tree sends for the apps above it (orgs imports no app; the apps above listen)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction after organisations moved in the tree (a merge moves the children), with
# `organisation_ids`: the organisations whose subtrees now sit elsewhere. Socialstats recomputes its
# analytics tables for the pages beneath them.
subtrees_moved = Signal()
