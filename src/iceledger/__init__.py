"""iceledger: an open, verifiable ledger of US immigration enforcement built from ICE's own records."""

__version__ = "0.1.0"
