"""Hand edits made in Moodle: kept before a sync overwrites them, listed, shown, adopted
into the pack, pruned. Layout and record format: docs/drift.md."""
