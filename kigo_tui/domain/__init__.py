"""What is true for KIGO: rules, catalogue, dates, organisation, exit strategy, defects, SLA, progress. No Textual, no SQL, no Rich."""
