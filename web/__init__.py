"""The pages people use in a browser: server-rendered with the GOV.UK Design System, over
the same services as the API."""
