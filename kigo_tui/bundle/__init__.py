"""The status bundle: export for KOMBIT, verification and national aggregation."""
