"""The pygame touchscreen. Only this package imports pygame."""
