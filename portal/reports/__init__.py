"""The annual report's tables, from live data, for any date range."""
