"""kigo's benchmark suite (issue 7): `python -m benchmarks` measures kigo beside a floor.

Every figure is the median of several runs taken in the same run of the suite as the floor (the
smallest Textual app, launched the same way), so a figure can be read as a ratio to what any
Textual app costs on this machine today. Method: benchmarks/README.md.
"""
