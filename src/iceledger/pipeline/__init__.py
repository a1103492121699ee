"""Builds: releases into the ledger, registries beside them, atomically."""
