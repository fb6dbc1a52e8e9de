"""Report outputs built from the store's figures: the Excel workbook (`workbook.py`), the chart and the
year-end ranking. Each imports its heavy library (openpyxl, matplotlib) itself, so the bot's start
never loads them: import these modules where a report is made, not at the top of a handler."""
