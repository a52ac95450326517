"""Reports people look at: self-contained HTML pages for the styregruppe and for KOMBIT."""
