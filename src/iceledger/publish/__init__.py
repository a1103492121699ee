"""The disclosure gate and the publication. The gate's search may run compiled (native.py): only while the
compiled modules match their sources."""

from iceledger.publish import native as _native

_native.guard()
