"""What every page shares: access rules, security headers, error pages, the home page."""
