"""Frames in, decoded payloads out: camera, video and folder sources, the decoder, the loop.

Knows nothing of elections. Only this package imports OpenCV, pyzbar and zxing-cpp.
"""
