"""Turning pack resources into what is pushed: rendered pages, quiz XML, fingerprints."""
