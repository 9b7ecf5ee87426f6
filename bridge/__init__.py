"""certbridge: publish 1+X resource packs into Moodle and report completion."""

__version__ = "0.1.0"
