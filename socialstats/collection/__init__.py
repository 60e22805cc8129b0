"""Collection: collectors per network, runs, the nightly service and its views."""
