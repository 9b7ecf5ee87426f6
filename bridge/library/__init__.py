"""The resource library: an index of every resource in every pack, search, and the static catalogue."""
