"""Files and text made from the domain: status text, iCalendar, the chart grid, the workbook import and export."""
