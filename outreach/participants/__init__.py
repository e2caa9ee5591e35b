"""Follow-through of a meeting: reminders, attendance, sponsorship, the list of participants."""
