"""Worker processes: they run the workflows and activities."""
