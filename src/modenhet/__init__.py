"""modenhet."""
