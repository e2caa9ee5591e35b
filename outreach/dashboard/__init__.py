"""The staff dashboard, the world map by CCM status and the public status page."""
