"""Serial devices (pyserial): the ESC/POS receipt printer and the handheld QR scanner.

Knows nothing of elections. Only this package imports pyserial.
"""
