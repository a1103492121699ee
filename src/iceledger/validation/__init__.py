"""Findings and reports: bad input and data-quality issues as data, shown as text or JSON."""

from iceledger.validation.report import Finding, Report

__all__ = ["Finding", "Report"]
