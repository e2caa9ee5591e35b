"""The directory: States, organisations and (later) the people in them."""
