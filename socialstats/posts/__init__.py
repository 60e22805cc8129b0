"""Posts kept from the collections (docs/posts.md): the 003 engagement from them, and the post reports."""
