"""Sync: remote snapshot, the pure planner, the executor, state and locking."""
