"""The analytics tables' maintenance (DHIS2's way: tables derived from snapshots, kept by the portal).

Registry, collection and reports may all import this package; it imports none of them.
Writers call `analytics_update(page_ids=..., since=...)` after they change snapshots, pages or the tree.
"""
