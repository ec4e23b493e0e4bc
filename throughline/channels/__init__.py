"""The adapters that deliver notifications: email over SMTP, GOV.UK Notify and signed webhooks."""
