"""Article 3 and 4 obligations, extension requests and Article 7 transparency reports."""
